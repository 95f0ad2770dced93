"""The shared body of the ``import_*`` management commands."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.importers import services
from governance.importers import values as v
from governance.importers.errors import ImportRejected
from governance.models import EPCI, ImportRun


class ImportCommand(BaseCommand):
    kind: str = ImportRun.Kind.AUTO
    siren_option = "--epci"
    siren_help = "SIREN de l'EPCI (9 chiffres) pour lequel importer le fichier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Chemin du fichier (CSV UTF-8, ou .xlsx pour la DGCL).")
        names = [self.siren_option] + (["--epci"] if self.siren_option != "--epci" else [])
        parser.add_argument(
            *names, dest="siren", required=True, metavar="SIREN", help=self.siren_help
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Valider et compter sans rien enregistrer."
        )

    def handle(self, *args, path: str, siren: str, dry_run: bool = False, **options) -> None:
        try:
            siren = v.parse_siren(siren)
        except ValueError as exc:
            raise CommandError(f"{exc}.") from exc
        epci = EPCI.objects.filter(siren=siren).first()
        try:
            with open(path, "rb") as fileobj:
                summary = services.import_file(
                    fileobj=fileobj,
                    name=Path(path).name,
                    epci=epci,
                    kind=self.kind,
                    siren=siren,
                    vintage=options.get("vintage"),
                    progress=self.progress,
                    dry_run=dry_run,
                )
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {exc}") from exc
        except ImportRejected as rejected:
            raise CommandError(rejected.message) from rejected
        for note in summary.notes:
            self.stdout.write(note)
        prefix = "Simulation (rien n'est enregistré). " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{summary.as_text()}"))

    def progress(self, done: int, total: int | None) -> None:
        if done:
            of = f" sur {total}" if total else ""
            self.stdout.write(f"{done} lignes lues{of}")


def add_vintage_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--vintage",
        type=int,
        metavar="AAAA",
        help="Millésime des populations légales (par défaut : l'année du nom du fichier).",
    )
