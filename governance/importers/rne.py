"""Répertoire national des élus (RNE): mayors, municipal councillors and community councillors.

Decisions (see also shared/data/FORMATS.md):
- ``Date de naissance`` is never read: the reader hands out only the columns asked for
  here, so the date of birth is not stored, logged, or kept in memory past the CSV parser.
- Municipal councillors file: every row gives a MUNICIPAL_COUNCILLOR mandate (a mayor or a
  deputy is a municipal councillor too), plus MAYOR or DEPUTY_MAYOR (with its rank) when the
  function says so. Mayors file: a MAYOR mandate. EPCI file: every row of the EPCI's SIREN gives a
  COMMUNITY_COUNCILLOR mandate for the commune it represents, plus PRESIDENT or VICE_PRESIDENT.
- A person is the same person when the normalised "NOM|Prénom" matches, within the EPCI, and
  they already hold (or held) a mandate in the same commune; otherwise a person is created.
- A mandate is identified by (person, kind, commune, EPCI) among open mandates: re-running an
  import updates rank, label and start date, never duplicates.
- File scope: the communes present in a municipal file (or the whole EPCI for the EPCI file), for
  the kinds that file describes. An open mandate of source "rne" in that scope that the new file
  no longer lists is closed with the import date as end date: the register says the person has
  left office, but not when. Mandates entered by hand are never closed by an import.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from governance.importers import formats as f
from governance.importers import values as v
from governance.importers.communes import assign
from governance.importers.readers import Table
from governance.importers.summary import ImportSummary, ParseContext
from governance.models import EPCI, Commune, Mandate, Person
from governance.text import normalise, person_match_key

Kind = Mandate.Kind
SOURCE = "rne"
SCOPE_KINDS = {
    f.RNE_MAYORS.key: (Kind.MAYOR,),
    f.RNE_COUNCILLORS.key: (Kind.MUNICIPAL_COUNCILLOR, Kind.MAYOR, Kind.DEPUTY_MAYOR),
    f.RNE_EPCI.key: (Kind.COMMUNITY_COUNCILLOR, Kind.PRESIDENT, Kind.VICE_PRESIDENT),
}
CIVILITIES = {"M": Person.Civility.M, "F": Person.Civility.MME, "": ""}
_ORDINAL = r"^(\d+)\s*(?:er|ere|re|eme|e|nd|nde)?\s+"
_DEPUTY = re.compile(_ORDINAL + r"adjoint")
_VICE_PRESIDENT = re.compile(_ORDINAL + r"vice[- ]?president")
UNKNOWN = ("", None)  # a function the portal does not model: the row keeps its base mandate


def municipal_function(label: str) -> tuple[str, int | None] | None:
    text = normalise(label)
    if not text:
        return None
    if text == "maire":
        return Kind.MAYOR, None
    if match := _DEPUTY.match(text):
        return Kind.DEPUTY_MAYOR, int(match.group(1))
    if text.startswith("adjoint"):
        return Kind.DEPUTY_MAYOR, None
    return UNKNOWN


def epci_function(label: str) -> tuple[str, int | None] | None:
    text = normalise(label)
    if not text:
        return None
    if text.startswith("president"):
        return Kind.PRESIDENT, None
    if match := _VICE_PRESIDENT.match(text):
        return Kind.VICE_PRESIDENT, int(match.group(1))
    if re.match(r"^vice[- ]?president", text):
        return Kind.VICE_PRESIDENT, None
    return UNKNOWN


@dataclass(frozen=True)
class PlannedMandate:
    kind: str
    commune_id: int | None
    epci_id: int | None
    rank: int | None = None
    label: str = ""
    start_date: datetime.date | None = None

    @property
    def identity(self) -> tuple:
        return (self.kind, self.commune_id, self.epci_id)


@dataclass
class PlannedPerson:
    commune_id: int
    last_name: str
    first_name: str
    civility: str
    mandates: dict[tuple, PlannedMandate] = field(default_factory=dict)


@dataclass
class RnePlan:
    epci: EPCI
    format_key: str
    people: dict[tuple[str, int], PlannedPerson] = field(default_factory=dict)
    communes: set[int] = field(default_factory=set)
    ignored: int = 0
    unknown_functions: int = 0
    merged_rows: int = 0
    notes: list[str] = field(default_factory=list)

    def apply(self, summary: ImportSummary) -> EPCI:
        open_mandates = self._open_mandates()
        people = self._known_people()
        to_create: list[Mandate] = []
        for key, planned in self.people.items():
            person = people.get(key) or self._create_person(planned, summary)
            if planned.civility and person.civility != planned.civility:
                person.civility = planned.civility
                person.save(update_fields=["civility"])
            for mandate in planned.mandates.values():
                candidates = open_mandates.get((person.pk, *mandate.identity))
                if candidates:
                    existing = candidates.pop(0)
                    changed = assign(
                        existing,
                        {
                            "rank": mandate.rank,
                            "label": mandate.label,
                            "start_date": mandate.start_date,
                            "source": SOURCE,
                        },
                    )
                    if changed:
                        existing.save(update_fields=changed)
                    summary.count(bool(changed))
                else:
                    to_create.append(Mandate(person=person, source=SOURCE, **mandate.__dict__))
                    summary.count(None)
        Mandate.objects.bulk_create(to_create, batch_size=500)
        self._end_absent(open_mandates, summary)
        summary.ignored += self.ignored
        summary.notes += self.notes
        return self.epci

    def _scope(self) -> Q:
        kinds = Q(kind__in=SCOPE_KINDS[self.format_key])
        if self.format_key == f.RNE_EPCI.key:
            return kinds & Q(epci=self.epci)
        return kinds & Q(commune_id__in=self.communes)

    def _open_mandates(self) -> dict[tuple, list[Mandate]]:
        """Open mandates in the file's scope, whatever their source, by identity."""
        found: dict[tuple, list[Mandate]] = defaultdict(list)
        mandates = Mandate.objects.filter(
            self._scope(), end_date__isnull=True, person__epci=self.epci
        ).order_by("pk")
        for mandate in mandates:
            key = (mandate.person_id, mandate.kind, mandate.commune_id, mandate.epci_id)
            found[key].append(mandate)
        return found

    def _known_people(self) -> dict[tuple[str, int], Person]:
        """People of the EPCI with the same match key and a mandate (past or present) in the
        same commune. The oldest person wins if the directory already holds homonyms."""
        keys = {match_key for match_key, _ in self.people}
        pairs = (
            Mandate.objects.filter(
                person__epci=self.epci, person__match_key__in=keys, commune_id__in=self.communes
            )
            .order_by("person_id")
            .values_list("person__match_key", "commune_id", "person_id")
        )
        ids: dict[tuple[str, int], int] = {}
        for match_key, commune_id, person_id in pairs:
            ids.setdefault((match_key, commune_id), person_id)
        people = Person.objects.in_bulk(set(ids.values()))
        return {key: people[person_id] for key, person_id in ids.items()}

    def _create_person(self, planned: PlannedPerson, summary: ImportSummary) -> Person:
        # save() rather than bulk_create: save() computes match_key.
        person = Person(
            epci=self.epci,
            last_name=planned.last_name,
            first_name=planned.first_name,
            civility=planned.civility,
        )
        person.save()
        summary.people_created += 1
        return person

    def _end_absent(self, leftovers: dict[tuple, list[Mandate]], summary: ImportSummary) -> None:
        today = timezone.localdate()
        ended = []
        for mandate in (m for group in leftovers.values() for m in group):
            if mandate.source != SOURCE:
                continue
            mandate.end_date = max(today, mandate.start_date or today)
            ended.append(mandate)
        Mandate.objects.bulk_update(ended, ["end_date"], batch_size=500)
        summary.ended += len(ended)


def parse(table: Table, ctx: ParseContext, fmt: f.FileFormat) -> RnePlan:
    errors = ctx.errors
    epci = ctx.epci
    plan = RnePlan(epci=epci, format_key=fmt.key)
    members = dict(Commune.objects.for_epci(epci.pk).values_list("insee_code", "pk"))
    is_epci_file = fmt is f.RNE_EPCI
    commune_column = f.RNE_EPCI_COMMUNE if is_epci_file else f.RNE_COMMUNE
    columns = [c for c in fmt.required if c != f.RNE_SIREN] + ([f.RNE_SIREN] * is_epci_file)
    # National files: rows outside the EPCI are only checked for structure (a stray value in
    # another département must not block this EPCI's import).
    for line, row in table.rows(columns, errors, ctx.progress):
        if is_epci_file and _lenient(v.parse_siren, row[f.RNE_SIREN]) != epci.siren:
            plan.ignored += 1
            continue
        code = _lenient(v.parse_insee, row[commune_column])
        if code not in members:
            if not is_epci_file:
                plan.ignored += 1
            elif code is None:
                errors.check(line, commune_column, v.parse_insee, row[commune_column])
            else:
                errors.add(
                    line,
                    commune_column,
                    f"commune {code} inconnue : elle n'est pas "
                    "membre de l'EPCI (importez d'abord la composition DGCL).",
                )
            continue
        _add_row(plan, line, row, members[code], fmt, ctx)
    if not plan.people and not errors:
        where = f"le SIREN {epci.siren}" if is_epci_file else "les communes de l'EPCI"
        errors.add(None, None, f"aucun élu pour {where} dans ce fichier.")
    if plan.unknown_functions:
        plan.notes.append(
            f"{plan.unknown_functions} fonction(s) non reconnue(s) : seul le "
            "mandat de conseiller a été enregistré."
        )
    if plan.merged_rows:
        plan.notes.append(
            f"{plan.merged_rows} ligne(s) en double (même nom, même commune) fusionnée(s)."
        )
    return plan


def _lenient(parser, raw: str) -> str | None:
    try:
        return parser(raw)
    except ValueError:
        return None


def _add_row(plan: RnePlan, line: int, row: dict, commune_id: int, fmt, ctx) -> None:
    errors = ctx.errors
    before = len(errors)
    last, first = row[f.RNE_LAST], row[f.RNE_FIRST]
    if not last:
        errors.add(line, f.RNE_LAST, "nom vide.")
    if not first:
        errors.add(line, f.RNE_FIRST, "prénom vide.")
    civility = CIVILITIES.get(row[f.RNE_SEX].upper())
    if civility is None:
        errors.add(line, f.RNE_SEX, f"code sexe « {row[f.RNE_SEX]} » : M ou F attendu.")
    start = errors.check(line, f.RNE_MANDATE_START, v.parse_date, row[f.RNE_MANDATE_START])
    function_start = errors.check(
        line, f.RNE_FUNCTION_START, v.parse_date, row[f.RNE_FUNCTION_START]
    )
    if len(errors) > before:
        return
    mandates = _mandates(plan, row, commune_id, fmt, start, function_start or start)
    key = (person_match_key(last, first), commune_id)
    planned = plan.people.get(key)
    if planned is None:
        planned = plan.people[key] = PlannedPerson(commune_id, last, first, civility)
    else:
        plan.merged_rows += 1
    planned.mandates.update((m.identity, m) for m in mandates)
    plan.communes.add(commune_id)


def _mandates(plan: RnePlan, row: dict, commune_id: int, fmt, start, function_start):
    if fmt is f.RNE_MAYORS:
        return [PlannedMandate(Kind.MAYOR, commune_id, None, None, "Maire", function_start)]
    label = row[f.RNE_FUNCTION]
    if fmt is f.RNE_EPCI:
        base = PlannedMandate(Kind.COMMUNITY_COUNCILLOR, commune_id, plan.epci.pk, start_date=start)
        function = epci_function(label)
        where = (None, plan.epci.pk)
    else:
        base = PlannedMandate(Kind.MUNICIPAL_COUNCILLOR, commune_id, None, start_date=start)
        function = municipal_function(label)
        where = (commune_id, None)
    if function is None:
        return [base]
    if function == UNKNOWN:
        plan.unknown_functions += 1
        return [base]
    kind, rank = function
    return [base, PlannedMandate(kind, *where, rank, label, function_start)]
