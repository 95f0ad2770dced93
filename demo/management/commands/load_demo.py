from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import DEMO_TOTP_SECRET, format_accounts_table, load_demo


class Command(BaseCommand):
    help = (
        "Charge la démonstration : les 39 communes réelles de m2A, des personnes fictives, "
        "les instances et les comptes de démonstration. Peut être relancée sans effet."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # The demo accounts have public passwords and a public TOTP secret (superuser too).
            raise CommandError(
                "Refusé : DEBUG est désactivé. Les comptes de démonstration ont des mots de "
                "passe et un secret TOTP publics ; ne les chargez que sur une base de "
                "développement (DEBUG=1)."
            )
        load_demo(stdout=self.stdout)
        self.stdout.write("\nComptes de démonstration :\n")
        self.stdout.write(format_accounts_table())
        self.stdout.write(
            "\nCode TOTP du secrétariat et de l'administrateur : python manage.py demo_totp "
            f"(secret {DEMO_TOTP_SECRET}, à saisir aussi dans une application d'authentification)."
        )
