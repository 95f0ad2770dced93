from governance.importers.command import ImportCommand
from governance.models import ImportRun


class Command(ImportCommand):
    help = (
        "Importe la composition des EPCI de la DGCL (xlsx ou CSV) : crée ou met à jour l'EPCI "
        "et ses communes membres."
    )
    kind = ImportRun.Kind.EPCI_COMPOSITION
    siren_option = "--siren"
    siren_help = "SIREN de l'EPCI à créer ou mettre à jour depuis le fichier (alias : --epci)."
