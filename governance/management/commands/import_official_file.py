from governance.importers.command import ImportCommand, add_vintage_argument


class Command(ImportCommand):
    help = (
        "Importe un fichier officiel (COG, populations légales, composition DGCL ou RNE) dont le "
        "type est reconnu d'après son en-tête."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_vintage_argument(parser)
