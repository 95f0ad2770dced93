from governance.importers.command import ImportCommand
from governance.models import ImportRun


class Command(ImportCommand):
    help = "Importe le fichier des communes du COG de l'INSEE (noms et départements)."
    kind = ImportRun.Kind.COG
