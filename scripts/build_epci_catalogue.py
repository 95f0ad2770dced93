"""Regenerate governance/territory/data/epci_communes.csv.gz, the list of every EPCI à fiscalité
propre of France with its member communes, from the npm package @etalab/decoupage-administratif.

    mkdir -p /tmp/decoupage && cd /tmp/decoupage
    npm pack @etalab/decoupage-administratif@6.0.0
    cd -  # back to the project root
    python scripts/build_epci_catalogue.py /tmp/decoupage/etalab-decoupage-administratif-6.0.0.tgz

The argument is the tarball made by ``npm pack`` or the directory it unpacks to (``package/``).
Standard library only. The output is byte-for-byte reproducible (sorted rows, gzip without a
timestamp), so a regeneration from the same package shows no diff.

What is taken from the package (see governance/territory/data/README.md for the sources):
- ``data/epci.json``: per EPCI its SIREN (``code``), name (``nom``), legal nature (``type``: CC,
  CA, CU, METRO, MET69) and member communes (``membres[].code``, the INSEE code);
- ``data/communes.json``, the ``commune-actuelle`` row of each member: name (``nom``, COG
  LIBELLE), département, SIREN and municipal population (``population``, populations légales).

Names come from communes.json rather than from the EPCI members, whose names follow the DGCL
spelling (25 of them differ in 6.0.0): the portal names communes as the COG does.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import tarfile
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
NATURES = {"CC", "CA", "CU", "METRO", "MET69"}
COLUMNS = (
    "epci_siren",
    "epci_name",
    "epci_nature",
    "insee_code",
    "name",
    "departement",
    "population",
    "siren",
)
DEFAULT_OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "governance"
    / "territory"
    / "data"
    / "epci_communes.csv.gz"
)


def read_package(source: Path) -> tuple[dict, list, list]:
    """package.json, data/epci.json and data/communes.json, from the tarball or its directory."""
    names = ("package.json", "data/epci.json", "data/communes.json")
    if source.is_dir():
        root = source / "package" if (source / "package" / "package.json").exists() else source
        return tuple(json.loads((root / name).read_text(encoding="utf-8")) for name in names)
    with tarfile.open(source, "r:gz") as tar:
        return tuple(
            json.load(tar.extractfile(f"package/{name}"))  # npm pack puts files under package/
            for name in names
        )


def build_rows(epcis: list, communes: list) -> list[tuple]:
    current = {c["code"]: c for c in communes if c.get("type") == "commune-actuelle"}
    rows, problems = [], []
    for epci in epcis:
        if epci["type"] not in NATURES:
            problems.append(f"EPCI {epci['code']}: nature inconnue {epci['type']!r}")
            continue
        for member in epci["membres"]:
            commune = current.get(member["code"])
            if commune is None or commune.get("population") is None:
                problems.append(f"EPCI {epci['code']}: commune {member['code']} introuvable")
                continue
            rows.append(
                (
                    epci["code"],
                    epci["nom"],
                    epci["type"],
                    commune["code"],
                    commune["nom"],
                    commune["departement"],
                    commune["population"],
                    commune.get("siren") or "",
                )
            )
    if problems:
        raise SystemExit("\n".join(problems))
    rows.sort(key=lambda row: (row[0], row[3]))
    return rows


def write(rows: list[tuple], output: Path) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="tarball of npm pack, or its directory")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    package, epcis, communes = read_package(args.source)
    if package.get("name") != PACKAGE:
        raise SystemExit(f"{args.source} n'est pas le paquet {PACKAGE}")
    rows = build_rows(epcis, communes)
    write(rows, args.output)
    count = len({row[0] for row in rows})
    print(f"{PACKAGE} {package['version']}: {count} EPCI, {len(rows)} communes -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
