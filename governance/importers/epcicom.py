"""DGCL "Liste et composition des EPCI à fiscalité propre" (``epcicom2026.xlsx``, one sheet, one
row per member commune), filtered on the EPCI's SIREN. Creates or updates the EPCI (SIREN, name,
legal nature) and its member communes (INSEE code, name, SIREN, département, population).

Population columns carry the year they are *in force* (``pmun_2025``): the populations légales
of millésime N come into force on 1 January N+3 (décret 2003-485), so ``pmun_2025`` is the
millésime 2022 (checked against the files in shared/data/README.txt). ``Commune.population_vintage``
holds the millésime, the same unit as for the INSEE file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from governance.importers import values as v
from governance.importers.communes import assign, keep_newer_population, newer_population_note
from governance.importers.errors import ImportRejected
from governance.importers.readers import Table
from governance.importers.summary import ImportSummary, ParseContext
from governance.models import EPCI, Commune

COLUMNS = (
    "siren",
    "raison_sociale",
    "nature_juridique",
    "dep_com",
    "insee",
    "siren_membre",
    "nom_membre",
)
IN_FORCE_DELAY = 3  # years between a millésime and its coming into force
_PMUN = re.compile(r"^pmun_(\d{4})$", re.IGNORECASE)


@dataclass
class EpciPlan:
    siren: str
    name: str = ""
    nature: str = ""
    communes: dict[str, dict] = field(default_factory=dict)
    ignored: int = 0
    notes: list[str] = field(default_factory=list)

    def apply(self, summary: ImportSummary) -> EPCI:
        epci, created = EPCI.objects.get_or_create(
            siren=self.siren, defaults={"name": self.name, "nature": self.nature}
        )
        if created:
            summary.notes.append(f"EPCI créé : {epci.name} ({epci.siren}, {epci.nature}).")
        elif changed := assign(epci, {"name": self.name, "nature": self.nature}):
            epci.save(update_fields=changed)
            summary.notes.append(f"EPCI mis à jour : {', '.join(changed)}.")
        self._write_communes(epci, summary)
        self._detach_former_members(epci, summary)
        summary.ignored += self.ignored
        summary.notes += self.notes
        return epci

    def _write_communes(self, epci: EPCI, summary: ImportSummary) -> None:
        existing = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=self.communes)}
        kept_newer = 0
        for code, values in self.communes.items():
            commune = existing.get(code)
            if commune is not None and commune.epci_id not in (None, epci.pk):
                # Checked at parse time; a concurrent import may have taken it since.
                raise ImportRejected.single(
                    f"La commune {commune.name} ({code}) est membre d'un autre EPCI de ce portail."
                )
            if commune is None:
                Commune.objects.create(insee_code=code, epci=epci, **values)
                summary.count(None)
                continue
            wanted = keep_newer_population(commune, {**values, "epci_id": epci.pk})
            kept_newer += "population" not in wanted
            if commune.epci_id != epci.pk:
                wanted["sector_id"] = None  # sectors belong to the former EPCI
            changed = assign(commune, wanted)
            if changed:
                commune.save(update_fields=[name.removesuffix("_id") for name in changed])
            summary.count(bool(changed))
        summary.notes += newer_population_note(kept_newer)

    def _detach_former_members(self, epci: EPCI, summary: ImportSummary) -> None:
        """The DGCL list is the legal composition: a commune no longer in it has left the EPCI
        (it must not count in qualified majorities any more). Its history stays."""
        former = list(Commune.objects.for_epci(epci.pk).exclude(insee_code__in=self.communes))
        for commune in former:
            commune.epci = None
            commune.sector = None
            commune.save(update_fields=["epci", "sector"])
            summary.updated += 1
        if former:
            names = ", ".join(f"{c.name} ({c.insee_code})" for c in former)
            summary.notes.append(f"{len(former)} commune(s) retirée(s) de l'EPCI : {names}.")


def population_column(table: Table, ctx: ParseContext) -> tuple[str | None, int | None]:
    """The newest ``pmun_AAAA`` column and the millésime it holds."""
    found = sorted(
        (int(m.group(1)), name) for name in table.with_prefix("pmun_") if (m := _PMUN.match(name))
    )
    if not found:
        ctx.errors.add(table.header.line, "pmun_AAAA", "colonne de population introuvable.")
        return None, None
    year, name = found[-1]
    return name, year - IN_FORCE_DELAY


def parse(table: Table, ctx: ParseContext) -> EpciPlan:
    errors = ctx.errors
    siren = ctx.siren or ctx.epci.siren
    plan = EpciPlan(siren=siren)
    pmun, vintage = population_column(table, ctx)
    seen: dict[str, int] = {}
    columns = COLUMNS + ((pmun,) if pmun else ())
    for line, row in table.rows(columns, errors, ctx.progress):
        row_siren = errors.check(line, "siren", v.parse_siren, row["siren"])
        if row_siren is None:
            continue
        if row_siren != siren:
            plan.ignored += 1
            continue
        code = _check_row(line, row, plan, ctx)
        if code is None:
            continue
        if code in seen:
            errors.add(line, "insee", f"code INSEE {code} en double (déjà ligne {seen[code]}).")
            continue
        seen[code] = line
        before = len(errors)
        values = {
            "name": row["nom_membre"],
            "departement": errors.check(line, "dep_com", v.parse_departement, row["dep_com"]),
            "siren": errors.check(line, "siren_membre", v.parse_siren, row["siren_membre"]),
        }
        if pmun:
            values["population"] = errors.check(line, pmun, v.parse_int, row[pmun])
            values["population_vintage"] = vintage
        if len(errors) > before:
            continue
        plan.communes[code] = values
    if not seen and not errors:
        errors.add(None, "siren", f"aucune commune pour le SIREN {siren} dans ce fichier.")
    _refuse_members_of_other_epci(plan, seen, ctx)
    return plan


def _refuse_members_of_other_epci(plan: EpciPlan, seen: dict[str, int], ctx: ParseContext) -> None:
    """Several EPCI share one installation: a file uploaded for one EPCI must never move or
    rename a commune of another, whatever its rows say. A commune that changes EPCI leaves its
    former one first (that EPCI's own import of the new DGCL list detaches it), then the new
    one's file takes it in. The file is rejected whole, so nothing is written."""
    if not plan.communes:
        return
    others = (
        Commune.objects.filter(insee_code__in=plan.communes, epci__isnull=False)
        .exclude(epci__siren=plan.siren)
        .order_by("insee_code")
        .values_list("insee_code", "name")
    )
    for code, name in others:
        ctx.errors.add(
            seen[code],
            "insee",
            f"la commune {name} ({code}) est membre d'un autre EPCI de ce portail : "
            "elle ne peut pas être importée ici tant que cet EPCI ne l'a pas retirée.",
        )


def _check_row(line: int, row: dict, plan: EpciPlan, ctx: ParseContext) -> str | None:
    """Check the EPCI columns (same on every row) and the INSEE code; return the code."""
    errors = ctx.errors
    nature = row["nature_juridique"].upper()
    if nature not in EPCI.Nature.values:
        errors.add(line, "nature_juridique", f"nature juridique inconnue « {nature} ».")
        return None
    if not row["raison_sociale"]:
        errors.add(line, "raison_sociale", "raison sociale vide.")
        return None
    if not plan.name:
        plan.name, plan.nature = row["raison_sociale"], nature
    elif (plan.name, plan.nature) != (row["raison_sociale"], nature):
        errors.add(
            line,
            "raison_sociale",
            "raison sociale ou nature différente des lignes précédentes pour le même SIREN.",
        )
        return None
    if not row["nom_membre"]:
        errors.add(line, "nom_membre", "nom de la commune vide.")
        return None
    return errors.check(line, "insee", v.parse_insee, row["insee"])
