from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.scale import TerritoryExists, generate_territory

LABELS = {
    "communes": "communes",
    "population": "population municipale",
    "people": "personnes (fictives)",
    "municipal_councillors": "conseillers municipaux",
    "community_councillors": "conseillers métropolitains",
    "mandates": "mandats",
    "bodies": "instances",
    "memberships": "appartenances",
    "sessions": "séances",
    "items": "points d'ordre du jour",
    "convocations": "convocations",
    "outbox": "messages envoyés (outbox)",
    "referrals": "saisines",
    "opinions": "avis des communes",
    "service_requests": "demandes de service",
    "bookings": "réservations de matériel",
    "seconds": "durée (s)",
}


class Command(BaseCommand):
    help = (
        "Génère un territoire à l'échelle d'une métropole pour les tests de charge : les 92 "
        "communes réelles d'Aix-Marseille-Provence, des élus fictifs, dix ans de séances, de "
        "saisines et de services. Déterministe à partir de --seed ; --scale multiplie "
        "l'historique. À lancer sur une base vide (jamais en production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, seed, scale, batch_size, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale doit être compris entre 0 (exclu) et 10.")
        try:
            counts = generate_territory(
                seed=seed,
                scale=scale,
                batch_size=batch_size,
                log=lambda line: self.stdout.write(line),
            )
        except TerritoryExists as exc:
            raise CommandError(
                f"L'EPCI {exc} existe déjà dans cette base : générez sur une base vide."
            ) from exc
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner, as autovacuum would leave them on a live
            # database (it may be off, or not yet run, right after a bulk load).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write("Statistiques du planificateur calculées (ANALYZE).")
        self.stdout.write(self.style.SUCCESS("Terminé :"))
        for key, label in LABELS.items():
            self.stdout.write(f"  {label:<30} {counts[key]:>10,}".replace(",", "\u202f"))
