from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.territory import catalogue
from governance.territory.services import install_epci


class Command(BaseCommand):
    help = (
        "Installe un EPCI depuis son SIREN (communes, départements et populations légales de la "
        "liste nationale livrée avec le portail) et invite son premier compte du secrétariat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("siren", help="SIREN de l'EPCI (9 chiffres).")
        parser.add_argument(
            "--secretariat",
            metavar="EMAIL",
            help="Adresse du premier compte du secrétariat, invité par courriel.",
        )
        parser.add_argument("--first-name", default="", help="Prénom de ce compte.")
        parser.add_argument("--last-name", default="", help="Nom de ce compte.")

    def handle(self, *args, siren: str, secretariat: str | None, **options) -> None:
        try:
            result, user = install_epci(
                siren=siren,
                actor=None,
                secretariat_email=secretariat or "",
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        epci = result.epci
        communes = len(result.created) + len(result.attached)
        self.stdout.write(
            self.style.SUCCESS(
                f"EPCI créé : {epci.name} (SIREN {epci.siren}, {epci.get_nature_display()}), "
                f"{communes} commune(s)."
            )
        )
        for commune in result.elsewhere:
            self.stdout.write(
                self.style.WARNING(
                    f"{commune.name} ({commune.insee_code}) est déjà membre de {commune.epci} "
                    "dans ce portail : laissée dans cet EPCI."
                )
            )
        if user is not None:
            self.stdout.write(f"Invitation envoyée au secrétariat : {user.email}.")
        self.stdout.write(f"{catalogue.ATTRIBUTION} ({catalogue.LICENCE}).")
