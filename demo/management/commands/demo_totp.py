import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import DEMO_TOTP_EMAILS, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Affiche le code TOTP courant des comptes de démonstration (secrétariat, administrateur)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : DEBUG est désactivé. Le secret TOTP de démonstration est public ; "
                "cette commande ne sert qu'en développement (DEBUG=1)."
            )
        counter, elapsed = divmod(int(time.time()), mfa_settings.TOTP_PERIOD)
        # The code alone on the first line, so that a script can read it.
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
        remaining = mfa_settings.TOTP_PERIOD - elapsed
        self.stdout.write(f"Valable encore {remaining} s, pour {' et '.join(DEMO_TOTP_EMAILS)}.")
