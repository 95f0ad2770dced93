"""What an import did, counted for the secretariat and stored in ImportRun.summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from governance.importers.errors import ErrorCollector
from governance.importers.readers import ProgressCallback
from governance.models import EPCI


@dataclass
class ImportSummary:
    """Counts of the entries written: communes for the INSEE and DGCL files, mandates for the
    RNE. ``ignored`` counts rows outside the EPCI (or of another type); ``rejected`` is 0 for a
    file that was imported and the number of errors for one that was refused."""

    kind: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored: int = 0
    rejected: int = 0
    ended: int = 0  # RNE: mandates absent from a newer file, now closed
    people_created: int = 0
    rows: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def as_text(self) -> str:
        text = (
            f"Créées : {self.created}, mises à jour : {self.updated}, "
            f"inchangées : {self.unchanged}, ignorées : {self.ignored}"
        )
        if self.kind.startswith("rne"):
            text += f", terminées : {self.ended}, personnes créées : {self.people_created}"
        if self.rejected:
            text += f", erreurs : {self.rejected}"
        return text

    def count(self, changed: bool | None) -> None:
        """None: created; True: updated; False: unchanged."""
        if changed is None:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass
class ParseContext:
    """What a parser needs: the EPCI (None only for a DGCL file that creates it), options, and
    where to report errors and progress. Parsers read the database but never write."""

    epci: EPCI | None
    errors: ErrorCollector
    siren: str | None = None
    vintage: int | None = None
    name: str = ""
    progress: ProgressCallback | None = None
