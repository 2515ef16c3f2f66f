"""Exports of the ledger (工作台账): the columns (defined once), the xlsx and the PDF writers, the
summary sheet, and the services that run a long export in the worker (ExportJob)."""
