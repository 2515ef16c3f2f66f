"""The workbench keeps no tables of its own: the personal-data access log it started moved to
``minyi.privacy`` (same table, ``workbench_personaldataaccess``)."""
