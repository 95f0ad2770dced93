"""INSEE Code officiel géographique, communes (``v_commune_AAAA.csv``): names and départements.

Only ``TYPECOM=COM`` rows are communes (COMA, COMD and ARM are associated or delegated communes
and municipal districts). The file is national: only the communes already members of the EPCI
are written, the others are counted as ignored."""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.importers import values as v
from governance.importers.communes import missing_note, update_communes
from governance.importers.readers import Table
from governance.importers.summary import ImportSummary, ParseContext
from governance.models import EPCI, Commune

COLUMNS = ("TYPECOM", "COM", "DEP", "LIBELLE")


@dataclass
class CogPlan:
    epci: EPCI
    values: dict[str, dict] = field(default_factory=dict)
    ignored: int = 0
    notes: list[str] = field(default_factory=list)

    def apply(self, summary: ImportSummary) -> EPCI:
        communes = list(Commune.objects.filter(epci=self.epci, insee_code__in=self.values))
        update_communes(communes=communes, values=self.values, summary=summary)
        summary.ignored += self.ignored
        summary.notes += self.notes
        return self.epci


def parse(table: Table, ctx: ParseContext) -> CogPlan:
    plan = CogPlan(epci=ctx.epci)
    members = set(Commune.objects.for_epci(ctx.epci.pk).values_list("insee_code", flat=True))
    seen: dict[str, int] = {}
    errors = ctx.errors
    for line, row in table.rows(COLUMNS, errors, ctx.progress):
        if row["TYPECOM"] != "COM":
            plan.ignored += 1
            continue
        code = errors.check(line, "COM", v.parse_insee, row["COM"])
        if code is None:
            continue
        if code in seen:
            errors.add(line, "COM", f"code INSEE {code} en double (déjà ligne {seen[code]}).")
            continue
        seen[code] = line
        if code not in members:
            plan.ignored += 1
            continue
        departement = errors.check(line, "DEP", v.parse_departement, row["DEP"])
        if departement is None:
            continue
        if not row["LIBELLE"]:
            errors.add(line, "LIBELLE", "nom de la commune vide.")
            continue
        plan.values[code] = {"name": row["LIBELLE"], "departement": departement}
    plan.notes += missing_note(members - set(plan.values), "du fichier")
    return plan
