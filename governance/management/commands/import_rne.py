from governance.importers.command import ImportCommand
from governance.models import ImportRun


class Command(ImportCommand):
    help = (
        "Importe un fichier du Répertoire national des élus (maires, conseillers municipaux ou "
        "conseillers communautaires, reconnu d'après son en-tête)."
    )
    kind = ImportRun.Kind.RNE
