"""Writing commune rows, shared by the INSEE and DGCL formats."""

from __future__ import annotations

from django.db import models

from governance.importers.summary import ImportSummary
from governance.models import Commune


def assign(obj: models.Model, values: dict) -> list[str]:
    """Set the values that differ; return the names of the fields changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def keep_newer_population(commune: Commune, values: dict) -> dict:
    """Never replace a population by an older vintage: a DGCL file (populations in force, i.e.
    three years older) imported after the INSEE file must not undo it."""
    stored = commune.population_vintage
    incoming = values.get("population_vintage")
    if stored and incoming and stored > incoming:
        return {k: v for k, v in values.items() if k not in ("population", "population_vintage")}
    return values


def update_communes(
    *, communes: list[Commune], values: dict[str, dict], summary: ImportSummary
) -> int:
    """Update existing communes; return how many kept a newer population."""
    kept_newer = 0
    for commune in communes:
        wanted = values[commune.insee_code]
        filtered = keep_newer_population(commune, wanted)
        kept_newer += filtered is not wanted
        changed = assign(commune, filtered)
        if changed:
            commune.save(update_fields=changed)
        summary.count(bool(changed))
    return kept_newer


def newer_population_note(count: int) -> list[str]:
    if not count:
        return []
    return [
        f"{count} commune(s) avaient déjà une population d'un millésime plus récent : conservée."
    ]


def missing_note(missing: set[str], what: str) -> list[str]:
    if not missing:
        return []
    codes = ", ".join(sorted(missing)[:20]) + (" …" if len(missing) > 20 else "")
    return [f"{len(missing)} commune(s) de l'EPCI absentes {what} : {codes}."]
