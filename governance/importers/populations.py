"""INSEE populations légales (``donnees_communes.csv``): municipal population (PMUN), the figure
every legal threshold uses. National file: only communes of the EPCI are written.

Paris, Lyon and Marseille are listed only as their municipal districts (arrondissements): their
populations are added up into the commune."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from governance.importers import values as v
from governance.importers.communes import missing_note, newer_population_note, update_communes
from governance.importers.readers import Table
from governance.importers.summary import ImportSummary, ParseContext
from governance.models import EPCI, Commune

COLUMNS = ("COM", "PMUN")

# Commune → its municipal districts (COG: TYPECOM=ARM, COMPARENT).
DISTRICTS = {
    "75056": range(75101, 75121),  # Paris, 20 arrondissements
    "69123": range(69381, 69390),  # Lyon, 9
    "13055": range(13201, 13217),  # Marseille, 16
}
DISTRICT_PARENT = {str(code): parent for parent, codes in DISTRICTS.items() for code in codes}
OLDEST_VINTAGE = 1990


@dataclass
class PopulationPlan:
    epci: EPCI
    vintage: int
    values: dict[str, dict] = field(default_factory=dict)
    ignored: int = 0
    notes: list[str] = field(default_factory=list)

    def apply(self, summary: ImportSummary) -> EPCI:
        communes = list(Commune.objects.filter(epci=self.epci, insee_code__in=self.values))
        kept = update_communes(communes=communes, values=self.values, summary=summary)
        summary.ignored += self.ignored
        summary.notes += self.notes + newer_population_note(kept)
        return self.epci


def check_vintage(ctx: ParseContext) -> int | None:
    """The vintage (millésime) comes from the option, else from a year in the file name
    (``populations_legales_2023.csv``); INSEE's own name (``donnees_communes.csv``) has none,
    and guessing would be worse than asking."""
    vintage = ctx.vintage or v.year_in_name(ctx.name)
    if vintage is None:
        ctx.errors.add(
            None,
            None,
            "millésime des populations inconnu : indiquez-le (option --vintage, ou champ "
            "« Millésime » du formulaire) ou mettez l'année dans le nom du fichier.",
        )
        return None
    if not OLDEST_VINTAGE <= vintage <= datetime.date.today().year:
        ctx.errors.add(None, None, f"millésime {vintage} invraisemblable.")
        return None
    return vintage


def parse(table: Table, ctx: ParseContext) -> PopulationPlan:
    errors = ctx.errors
    vintage = check_vintage(ctx)
    plan = PopulationPlan(epci=ctx.epci, vintage=vintage or 0)
    members = set(Commune.objects.for_epci(ctx.epci.pk).values_list("insee_code", flat=True))
    seen: dict[str, int] = {}
    populations: dict[str, int] = defaultdict(int)
    whole: set[str] = set()
    split: set[str] = set()
    for line, row in table.rows(COLUMNS, errors, ctx.progress):
        code = errors.check(line, "COM", v.parse_insee, row["COM"])
        if code is None:
            continue
        if code in seen:
            errors.add(line, "COM", f"code INSEE {code} en double (déjà ligne {seen[code]}).")
            continue
        seen[code] = line
        target = DISTRICT_PARENT.get(code, code)
        if target in DISTRICTS:
            # The commune must come either whole or as its districts, not both (double count).
            (whole if target == code else split).add(target)
            if target in whole and target in split:
                errors.add(line, "COM", f"{target} figure entière et par arrondissements.")
                continue
        if target not in members:
            plan.ignored += 1
            continue
        population = errors.check(line, "PMUN", v.parse_int, row["PMUN"])
        if population is not None:
            populations[target] += population
    plan.values = {
        code: {"population": population, "population_vintage": vintage}
        for code, population in populations.items()
    }
    plan.notes += missing_note(members - set(plan.values), "du fichier")
    return plan
