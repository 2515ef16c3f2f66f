"""Import and export of the deputy registry in the template's format (one row per mandate).

``columns`` names the template, ``parser`` reads .xlsx/.csv into rows, ``plan`` validates the
rows against the database and works out what an import would change, ``writer`` produces
exports and the empty template. The services in ``minyi.deputies.services`` tie them together.
"""
