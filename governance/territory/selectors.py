"""Reads for installing an EPCI: the shipped record of a SIREN and what the portal already
holds of its communes (the operator's preview and ``create_epci``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from governance.models import EPCI, Commune
from governance.territory import catalogue

_SPACES = re.compile(r"[\s\u00a0\u202f.]")


def clean_siren(value: str) -> str:
    """A SIREN as typed: spaces and dots (``200 066 009``) are allowed, nine digits required."""
    siren = _SPACES.sub("", value or "")
    if not (len(siren) == 9 and siren.isascii() and siren.isdigit()):
        raise ValidationError("Le SIREN compte 9 chiffres.")
    return siren


def epci_record(siren: str) -> catalogue.CatalogueEpci:
    """The shipped record of this SIREN; ValidationError for a malformed or unknown one."""
    siren = clean_siren(siren)
    record = catalogue.find_epci(siren)
    if record is None:
        raise ValidationError(
            f"Aucun EPCI à fiscalité propre ne porte le SIREN {siren} dans la liste nationale "
            "de 2026 (DGCL). Vérifiez le numéro."
        )
    return record


def communes_by_code(record: catalogue.CatalogueEpci, *, lock: bool = False) -> dict[str, Commune]:
    """The communes of the record that the portal already has, with their EPCI, in one query.
    ``lock`` holds the rows until the transaction ends, so that a concurrent import cannot give
    a commune to another EPCI between the check and the write."""
    communes = Commune.objects.filter(insee_code__in=[c.insee_code for c in record.communes])
    if lock:
        communes = communes.select_for_update(of=("self",))
    return {c.insee_code: c for c in communes.select_related("epci").order_by("insee_code")}


@dataclass(frozen=True)
class PreviewRow:
    commune: catalogue.CatalogueCommune
    # The EPCI of this portal the commune already belongs to (it will stay there), if any.
    other_epci: EPCI | None


@dataclass(frozen=True)
class EpciPreview:
    record: catalogue.CatalogueEpci
    rows: tuple[PreviewRow, ...]
    existing: EPCI | None

    @property
    def elsewhere(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.other_epci is not None]


def preview_epci(siren: str) -> EpciPreview:
    """What ``create_epci`` would create for this SIREN, in two queries whatever the number of
    communes. Raises ValidationError for a malformed or unknown SIREN."""
    record = epci_record(siren)
    known = communes_by_code(record)
    rows = tuple(
        PreviewRow(commune=member, other_epci=_other_epci(known.get(member.insee_code)))
        for member in record.communes
    )
    existing = EPCI.objects.filter(siren=record.siren).first()
    return EpciPreview(record=record, rows=rows, existing=existing)


def _other_epci(commune: Commune | None) -> EPCI | None:
    return commune.epci if commune is not None else None
