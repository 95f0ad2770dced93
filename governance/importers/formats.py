"""The official file formats and how each is recognised from its header (see
shared/data/FORMATS.md). File names drift between editions; headers are what we trust."""

from __future__ import annotations

from dataclasses import dataclass

from governance.importers.errors import ImportRejected, RowError
from governance.importers.readers import HeaderCandidate
from governance.models import ImportRun
from governance.text import normalise

Kind = ImportRun.Kind

# RNE column names, shared by the three files.
RNE_LAST = "Nom de l'élu"
RNE_FIRST = "Prénom de l'élu"
RNE_SEX = "Code sexe"
RNE_COMMUNE = "Code de la commune"
RNE_EPCI_COMMUNE = "Code de la commune de rattachement"
RNE_SIREN = "N° SIREN"
RNE_FUNCTION = "Libellé de la fonction"
RNE_MANDATE_START = "Date de début du mandat"
RNE_FUNCTION_START = "Date de début de la fonction"
_RNE_PERSON = (RNE_LAST, RNE_FIRST, RNE_SEX, RNE_MANDATE_START)


@dataclass(frozen=True)
class FileFormat:
    key: str  # stored in ImportRun.detected_kind
    family: str  # an ImportRun.Kind
    label: str
    required: tuple[str, ...]
    delimiters: tuple[str | None, ...]  # None: an Excel sheet
    prefixes: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()  # columns that tell it apart from a sibling format

    def missing(self, names: frozenset[str]) -> list[str]:
        missing = [c for c in self.required if normalise(c) not in names]
        missing += [
            f"{p}AAAA" for p in self.prefixes if not any(n.startswith(normalise(p)) for n in names)
        ]
        return missing

    def matches(self, names: frozenset[str]) -> bool:
        return not self.missing(names) and not any(normalise(c) in names for c in self.absent)

    def delimiter_label(self) -> str:
        shown = [f"« {d} »" if d != "\t" else "tabulation" for d in self.delimiters if d]
        return " ou ".join(shown)


COG = FileFormat(
    "cog", Kind.COG, "INSEE — COG communes", ("TYPECOM", "COM", "DEP", "LIBELLE"), (",",)
)
POPULATIONS = FileFormat(
    "populations", Kind.POPULATIONS, "INSEE — populations légales", ("COM", "PMUN"), (";",)
)
EPCICOM = FileFormat(
    "epcicom",
    Kind.EPCI_COMPOSITION,
    "DGCL — composition des EPCI",
    (
        "siren",
        "raison_sociale",
        "nature_juridique",
        "dep_com",
        "insee",
        "siren_membre",
        "nom_membre",
    ),
    # The DGCL publishes a workbook; a copy saved as CSV by a French spreadsheet uses ";".
    (None, ",", ";"),
    prefixes=("pmun_",),
)
RNE_EPCI = FileFormat(
    "rne_epci",
    Kind.RNE,
    "RNE — conseillers communautaires",
    (RNE_SIREN, RNE_EPCI_COMMUNE, *_RNE_PERSON, RNE_FUNCTION, RNE_FUNCTION_START),
    (";",),
)
RNE_COUNCILLORS = FileFormat(
    "rne_conseillers_municipaux",
    Kind.RNE,
    "RNE — conseillers municipaux",
    (RNE_COMMUNE, *_RNE_PERSON, RNE_FUNCTION, RNE_FUNCTION_START),
    (";",),
    absent=(RNE_SIREN,),
)
RNE_MAYORS = FileFormat(
    "rne_maires",
    Kind.RNE,
    "RNE — maires",
    (RNE_COMMUNE, *_RNE_PERSON, RNE_FUNCTION_START),
    (";",),
    absent=(RNE_SIREN, RNE_FUNCTION),
)
# Order matters: the RNE rules of FORMATS.md (N° SIREN, then Libellé de la fonction, then mayors).
FORMATS = (RNE_EPCI, RNE_COUNCILLORS, RNE_MAYORS, COG, POPULATIONS, EPCICOM)


def detect_format(
    candidates: list[HeaderCandidate], *, kind: str = Kind.AUTO
) -> tuple[FileFormat, HeaderCandidate]:
    """The format of the file and its header line; otherwise a rejection that says which columns
    are missing from the format the header most resembles."""
    wanted = [f for f in FORMATS if kind in (Kind.AUTO, f.family)]
    for candidate in candidates:
        for fmt in FORMATS:
            if fmt.matches(candidate.names):
                if fmt not in wanted:
                    raise ImportRejected.single(
                        f"le fichier est un fichier « {fmt.label} », pas du type choisi "
                        f"« {Kind(kind).label} ».",
                        line=candidate.line,
                    )
                if candidate.delimiter not in fmt.delimiters:
                    raise ImportRejected.single(
                        _delimiter_message(fmt, candidate), line=candidate.line
                    )
                return fmt, candidate
    raise _unrecognised(candidates, wanted)


def _delimiter_message(fmt: FileFormat, candidate: HeaderCandidate) -> str:
    if candidate.delimiter is None:
        return f"le fichier « {fmt.label} » est attendu en CSV, pas en classeur Excel."
    return (
        f"séparateur de colonnes inattendu pour un fichier « {fmt.label} » : "
        f"{fmt.delimiter_label()} attendu."
    )


def _unrecognised(candidates: list[HeaderCandidate], wanted: list[FileFormat]) -> ImportRejected:
    """Name the missing columns of the format the header most resembles: at least half of its
    columns present, and on a tie the one whose separator fits."""
    best: tuple[tuple[float, bool], FileFormat, HeaderCandidate] | None = None
    for candidate in candidates:
        for fmt in wanted:
            total = len(fmt.required) + len(fmt.prefixes)
            score = (
                (total - len(fmt.missing(candidate.names))) / total,
                candidate.delimiter in fmt.delimiters,
            )
            if score[0] >= 0.5 and (best is None or score > best[0]):
                best = (score, fmt, candidate)
    if best is None:
        labels = ", ".join(f"« {f.label} »" for f in wanted)
        return ImportRejected.single(
            f"en-tête non reconnu : le fichier n'est pas un des formats attendus ({labels}). "
            "Vérifiez le fichier et son séparateur de colonnes.",
            line=1,
        )
    _, fmt, candidate = best
    return ImportRejected(
        [
            RowError(candidate.line, column, f"colonne manquante (fichier « {fmt.label} »).")
            for column in fmt.missing(candidate.names)
        ]
    )
