"""A France-scale territory for load tests and benchmarks, generated from a seed.

`generate_territory(seed=42, scale=1.0)` creates the real 92 communes of Aix-Marseille-Provence
(SIREN 200054807) with their populations, about 2,700 fictional municipal councillors (the
legal council sizes, L2121-2) of whom 240 sit on the conseil de la Métropole, every kind of body
with its memberships, and ten years of history: about 600 sessions, 20,000 agenda items,
100,000 convocations with their outbox rows (sent), 200 consultations with their answers,
5,000 service requests and 20,000 bookings. `scale` multiplies the history (sessions,
consultations, requests, bookings), never the territory itself.

Everything random comes from one `random.Random(seed)`: the same seed gives the same names,
the same rows and the same counts. Two things do not come from the seed: the convocation tokens
(credentials, from `secrets` as in production) and the statuses that depend on today's date
(a session in the past is held, one in the next 45 days convened, a later one a draft).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import transaction

from demo.scale import history, territory
from governance.audit import record_event
from governance.models import EPCI

__all__ = ["generate_territory", "TerritoryExists"]


class TerritoryExists(Exception):
    pass


def generate_territory(
    *, seed: int = 42, scale: float = 1.0, batch_size: int = 2000, log: Callable = print
) -> dict[str, int]:
    """Generate the territory and its history; returns the count of rows by kind."""
    if not 0 < scale <= 10:
        raise ValueError("scale must be in ]0, 10].")
    if EPCI.objects.filter(siren=territory.EPCI_SIREN).exists():
        raise TerritoryExists(territory.EPCI_SIREN)
    rng = random.Random(seed)
    started = time.monotonic()
    with transaction.atomic():
        t = territory.build_territory(rng, batch_size=batch_size)
    counts = {
        "communes": len(t.communes),
        "population": sum(town.population for town in t.towns),
        **t.counts,
        "municipal_councillors": len(t.municipal_councillors),
        "community_councillors": sum(len(p.community) for p in t.people.values()),
        "bodies": len(t.bodies),
    }
    log(
        f"Territoire : {counts['communes']} communes, {counts['people']} personnes, "
        f"{counts['memberships']} appartenances ({time.monotonic() - started:.1f} s)"
    )
    log("Séances, ordres du jour et convocations :")
    counts.update(history.generate_sessions(t, rng, scale=scale, batch_size=batch_size, log=log))
    step = time.monotonic()
    counts.update(history.generate_referrals(t, rng, scale=scale, batch_size=batch_size))
    log(f"Saisines : {counts['referrals']} ({time.monotonic() - step:.1f} s)")
    step = time.monotonic()
    counts.update(history.generate_services(t, rng, scale=scale, batch_size=batch_size))
    log(
        f"Services : {counts['service_requests']} demandes, {counts['bookings']} réservations "
        f"({time.monotonic() - step:.1f} s)"
    )
    record_event(action="territory.generated", epci=t.epci, target=t.epci, seed=seed, scale=scale)
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts
