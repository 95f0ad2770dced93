from governance.importers.command import ImportCommand, add_vintage_argument
from governance.models import ImportRun


class Command(ImportCommand):
    help = "Importe les populations légales de l'INSEE (population municipale, PMUN)."
    kind = ImportRun.Kind.POPULATIONS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_vintage_argument(parser)
