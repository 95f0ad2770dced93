"""Checks of a proposed local agreement (L5211-6-1 I 2°) and of optional seats (VI).

Each check returns every rule the proposal breaks, with its paragraph and a French message for
the secretariat; an empty list means the proposal is lawful on the points the software can see.
Shares are compared as exact fractions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from governance.seats.compute import Distribution, decimal
from governance.seats.tables import AGREEMENT_NATURES, AIX_MARSEILLE_PROVENCE_SIREN

# I 2° a): at most 25 % above III and IV; e): a share of seats within 20 % of the share of
# population, read as a relative gap (seat share ÷ population share between 0.8 and 1.2).
AGREEMENT_CEILING = Fraction(125, 100)
BAND = Fraction(20, 100)


@dataclass(frozen=True)
class Violation:
    paragraph: str
    message: str
    code: str = ""  # the commune concerned, if one


def _pct(value: Fraction) -> str:
    return str(decimal(value * 100, 1)).replace(".", ",") + " %"


def gap(distribution: Distribution, code: str, seats: int, total: int) -> Fraction:
    """Relative gap between a commune's share of seats and its share of population."""
    population = next(c.population for c in distribution.communes if c.code == code)
    seat_share = Fraction(seats, total)
    population_share = Fraction(population, distribution.population)
    return seat_share / population_share - 1


def _proposal_errors(distribution: Distribution, proposed: Mapping[str, int]) -> list[Violation]:
    known = {c.code for c in distribution.communes}
    errors = []
    for code in sorted(set(proposed) - known):
        errors.append(Violation("I", f"La commune {code} n'est pas membre de l'EPCI.", code))
    for commune in distribution.communes:
        if commune.code not in proposed:
            errors.append(
                Violation(
                    "I 2° c)", f"{commune.name} ne figure pas dans la répartition.", commune.code
                )
            )
    for code, seats in proposed.items():
        if seats < 0:
            errors.append(Violation("I", f"Nombre de sièges négatif pour {code}.", code))
    return errors


def qualified_majority(
    distribution: Distribution, approving: Iterable[str], *, paragraph: str = "I 2°"
) -> list[Violation]:
    """The councils' majority of I 2° (also required by VI).

    Two thirds of the municipal councils representing more than half of the population, or
    half of them representing more than two thirds; it includes the most populous commune's
    council when that commune has more than a quarter of the population.
    """
    approving = set(approving)
    communes = distribution.communes
    count = sum(1 for c in communes if c.code in approving)
    population = sum(c.population for c in communes if c.code in approving)
    n, total = len(communes), distribution.population
    first = 3 * count >= 2 * n and 2 * population > total
    second = 2 * count >= n and 3 * population > 2 * total
    violations = []
    if not (first or second):
        violations.append(
            Violation(
                paragraph,
                f"Majorité qualifiée non atteinte : {count} conseils municipaux sur {n} "
                f"représentant {_pct(Fraction(population, total))} de la population ; il faut "
                f"les deux tiers des conseils représentant plus de la moitié de la population, "
                f"ou la moitié des conseils représentant plus des deux tiers.",
            )
        )
    largest = max(communes, key=lambda c: c.population)
    if 4 * largest.population > total and largest.code not in approving:
        violations.append(
            Violation(
                paragraph,
                f"La majorité doit comprendre le conseil municipal de {largest.name}, commune la "
                f"plus peuplée, qui compte plus du quart de la population.",
                largest.code,
            )
        )
    return violations


def _band_violations(
    distribution: Distribution,
    proposed: Mapping[str, int],
    *,
    paragraph: str,
    second_seat_exception: bool,
) -> list[Violation]:
    total = sum(proposed.values())
    reference_total = distribution.total_iii_iv
    violations = []
    second_seat_users = []
    for commune in distribution.communes:
        code, seats = commune.code, proposed.get(commune.code, 0)
        if commune.population == 0 or seats == 0:
            continue
        deviation = gap(distribution, code, seats, total)
        if abs(deviation) <= BAND:
            continue
        # "Sans préjudice des c et d": one seat is every commune's floor, half the seats the
        # ceiling; the band cannot require less or more.
        if deviation > 0 and seats == 1:
            continue
        if deviation < 0 and seats == total // 2:
            continue
        # First exception: the droit commun already deviates more than 20 % and the proposal
        # keeps or reduces that gap.
        reference = gap(distribution, code, distribution.seats_iii_iv[code], reference_total)
        if abs(reference) > BAND and abs(deviation) <= abs(reference):
            continue
        # Second exception: two seats to a commune that IV 1° gave one.
        if second_seat_exception and seats == 2 and distribution.first_round[code] == 1:
            second_seat_users.append(commune)
            continue
        violations.append(
            Violation(
                paragraph,
                f"{commune.name} aurait {seats} {'siège' if seats == 1 else 'sièges'} sur "
                f"{total} : sa part de sièges est "
                f"{'supérieure' if deviation > 0 else 'inférieure'} de {_pct(abs(deviation))} "
                f"à sa part de population (écart de 20 % au plus).",
                code,
            )
        )
    # Conseil constitutionnel 2015-711 DC: the second seat cannot be kept from a commune as
    # populous, or more, that IV 1° also gave one seat.
    for user in second_seat_users:
        for other in distribution.communes:
            if (
                other.code != user.code
                and other.population >= user.population
                and distribution.first_round[other.code] == 1
                and proposed.get(other.code, 0) < 2
            ):
                violations.append(
                    Violation(
                        paragraph,
                        f"{other.name} ({other.population} habitants) n'a pas le second siège "
                        f"accordé à {user.name} ({user.population} habitants), moins peuplée "
                        f"(Conseil constitutionnel, décision 2015-711 DC).",
                        other.code,
                    )
                )
    return violations


def check_local_agreement(
    distribution: Distribution,
    proposed: Mapping[str, int],
    *,
    approving: Iterable[str] | None = None,
) -> list[Violation]:
    """Every rule of L5211-6-1 I 2° that a proposed local agreement breaks.

    `distribution` is the droit commun of the same communes; `approving`, when given, lists
    the communes whose council approved the agreement.
    """
    if distribution.nature not in AGREEMENT_NATURES:
        return [
            Violation(
                "I 2°",
                "Un accord local n'est possible que dans une communauté de communes ou une "
                "communauté d'agglomération.",
            )
        ]
    violations = _proposal_errors(distribution, proposed)
    if violations:
        return violations
    total = sum(proposed.values())
    ceiling = int(distribution.total_iii_iv * AGREEMENT_CEILING)
    if total > ceiling:
        violations.append(
            Violation(
                "I 2° a)",
                f"{total} sièges : le total dépasse de plus de 25 % les "
                f"{distribution.total_iii_iv} sièges des III et IV (au plus {ceiling}).",
            )
        )
    # b): seats follow the municipal population, so a commune never has fewer seats than a
    # less populous one (the reading of the ministry's guides).
    ordered = sorted(distribution.communes, key=lambda c: (-c.population, c.code))
    for more, less in zip(ordered, ordered[1:], strict=False):
        if more.population > less.population and proposed[more.code] < proposed[less.code]:
            violations.append(
                Violation(
                    "I 2° b)",
                    f"{more.name} ({more.population} habitants) aurait moins de sièges "
                    f"({proposed[more.code]}) que {less.name} ({less.population} habitants, "
                    f"{proposed[less.code]}) : les sièges suivent la population municipale.",
                    more.code,
                )
            )
    for commune in distribution.communes:
        seats = proposed[commune.code]
        if seats < 1:
            violations.append(
                Violation("I 2° c)", f"{commune.name} doit avoir au moins un siège.", commune.code)
            )
        if 2 * seats > total:
            violations.append(
                Violation(
                    "I 2° d)",
                    f"{commune.name} aurait {seats} sièges sur {total}, plus de la moitié.",
                    commune.code,
                )
            )
    violations += _band_violations(
        distribution, proposed, paragraph="I 2° e)", second_seat_exception=True
    )
    if approving is not None:
        violations += qualified_majority(distribution, approving)
    return violations


def check_optional_seats(
    distribution: Distribution,
    proposed: Mapping[str, int],
    *,
    approving: Iterable[str] | None = None,
) -> list[Violation]:
    """Every rule of L5211-6-1 VI that a proposed final distribution breaks.

    `proposed` is each commune's total after the optional seats; they are added to the
    droit commun, never taken from it.
    """
    if distribution.siren == AIX_MARSEILLE_PROVENCE_SIREN:
        return [Violation("VI", "Le VI exclut la métropole d'Aix-Marseille-Provence.")]
    if distribution.vi_max is None:
        return [Violation("VI", "Le V ayant été appliqué, le VI ne peut l'être.")]
    violations = _proposal_errors(distribution, proposed)
    if violations:
        return violations
    created = sum(proposed.values()) - distribution.total
    if created > distribution.vi_max:
        violations.append(
            Violation(
                "VI",
                f"{created} sièges créés : au plus {distribution.vi_max} (10 % des "
                f"{distribution.total_iii_iv} sièges des III et IV, entier inférieur).",
            )
        )
    for commune in distribution.communes:
        if proposed[commune.code] < distribution.seats[commune.code]:
            violations.append(
                Violation(
                    "VI",
                    f"{commune.name} perdrait des sièges du droit commun "
                    f"({distribution.seats[commune.code]} → {proposed[commune.code]}).",
                    commune.code,
                )
            )
    violations += _band_violations(
        distribution, proposed, paragraph="VI", second_seat_exception=True
    )
    if approving is not None:
        violations += qualified_majority(distribution, approving, paragraph="VI")
    return violations
