"""Cell parsers shared by the formats. Each returns a clean value or raises ``ValueError`` with
a French message (the caller adds the line and the column)."""

from __future__ import annotations

import datetime
import re

_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_DIGITS = re.compile(r"^\d+$")
# Spreadsheets turn codes into numbers: "1001.0" for 01001, "200066009.0" for a SIREN.
_FLOAT_INT = re.compile(r"^(\d+)\.0+$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _unfloat(value: str) -> str:
    value = value.strip()
    match = _FLOAT_INT.match(value)
    return match.group(1) if match else value


# The largest value of the integer columns these numbers go to (PositiveIntegerField): a larger
# one is an error of the file, not a crash of the database driver.
MAX_INT = 2_147_483_647


def parse_int(value: str) -> int:
    """A non-negative whole number; French thousand separators (spaces) are tolerated."""
    cleaned = _unfloat(value.replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
    if not _DIGITS.match(cleaned):
        raise ValueError(f"nombre entier attendu, trouvé « {value.strip()} »")
    number = int(cleaned)
    if number > MAX_INT:
        raise ValueError(f"nombre trop grand « {value.strip()} »")
    return number


def parse_siren(value: str) -> str:
    cleaned = _unfloat(value)
    if _DIGITS.match(cleaned) and len(cleaned) <= 9:
        return cleaned.zfill(9)
    raise ValueError(f"SIREN invalide « {value.strip()} » (9 chiffres attendus)")


def parse_insee(value: str) -> str:
    cleaned = _unfloat(value).upper()
    if _DIGITS.match(cleaned) and 4 <= len(cleaned) < 5:
        cleaned = cleaned.zfill(5)  # 1001 → 01001 (leading zero lost by a spreadsheet)
    if not _INSEE.match(cleaned):
        raise ValueError(f"code INSEE invalide « {value.strip()} »")
    return cleaned


def parse_departement(value: str) -> str:
    cleaned = _unfloat(value).upper()
    if _DIGITS.match(cleaned) and len(cleaned) == 1:
        cleaned = cleaned.zfill(2)
    if not re.match(r"^(\d{2,3}|2[AB])$", cleaned):
        raise ValueError(f"code de département invalide « {value.strip()} »")
    return cleaned


def parse_date(value: str) -> datetime.date | None:
    """``YYYY-MM-DD`` (2026 editions of the RNE) or ``DD/MM/YYYY`` (older ones); empty → None."""
    cleaned = value.strip()
    if not cleaned:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date invalide « {cleaned} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")


def year_in_name(name: str) -> int | None:
    """The last plausible year in a file name: ``populations_2023.csv`` → 2023."""
    found = _YEAR.findall(name or "")
    return int(found[-1]) if found else None
