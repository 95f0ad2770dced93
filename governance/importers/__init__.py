"""Importers of the official files: INSEE COG and populations légales, DGCL composition of the
EPCI, and the Répertoire national des élus (formats in shared/data/FORMATS.md).

The public API is in ``governance.importers.services``: ``import_file`` (validate everything,
then write everything in one transaction), ``queue_import`` and ``run_import_run`` (the
background import of an uploaded file)."""
