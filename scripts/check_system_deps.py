"""Check the system libraries Interco needs before the test suite runs (used by `make test`).

WeasyPrint loads Pango through cffi when it is imported: without the system library the import
fails with an OSError, which would otherwise surface as a cryptic error in the middle of the tests.
Chromium is only reported: the browser tests skip without it, unless INTERCO_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import shutil
import sys

PANGO_MESSAGE = (
    "WeasyPrint a besoin de Pango : installez-le avec "
    "« sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 » (Debian/Ubuntu) "
    "ou « brew install pango » (macOS)"
)


def chromium_path() -> str:
    """The browser tests' lookup (tests/browser/conftest.py): CHROMIUM_PATH, PATH, then Debian's."""
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def check_weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        print(PANGO_MESSAGE, file=sys.stderr)
        return False
    except ImportError as exc:
        print(
            f"WeasyPrint n'est pas installé dans l'environnement Python ({exc}) : "
            "relancez « make clean » puis « make test ».",
            file=sys.stderr,
        )
        return False
    return True


def check_chromium() -> None:
    path = chromium_path()
    if os.path.exists(path):
        return
    if os.environ.get("INTERCO_REQUIRE_BROWSER") == "1":
        print(
            f"Attention : Chromium est introuvable ({path}) "
            "et INTERCO_REQUIRE_BROWSER=1 : les tests navigateur vont échouer. "
            "Installez-le avec « make browser-deps ».",
            file=sys.stderr,
        )
    else:
        print(
            f"Remarque : Chromium est introuvable ({path}) : les tests navigateur "
            "(tests/browser) seront ignorés. Installez-le avec « make browser-deps ».",
            file=sys.stderr,
        )


def main() -> int:
    ok = check_weasyprint()
    check_chromium()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
