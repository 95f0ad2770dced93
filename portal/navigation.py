"""The main navigation of the signed-in pages, written once per process and per variant.

Every page showed it through fifteen `{% url %}` tags and as many comparisons with the
resolved view: about a millisecond of each page's rendering (benchmarks/README.md). The links
do not change while the process runs, so each variant (secretariat or not, current entry) is
built once, escaped, and reused.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# (label, URL name, what marks it current: a view name with its namespace, or "app:" + an
# application namespace for every page of that application; for the secretariat only)
ENTRIES = (
    ("Tableau de bord", "portal:home", "portal:home", False),
    ("Communes", "governance:commune_list", "governance:commune_list", False),
    ("Instances", "governance:body_list", "governance:body_list", False),
    ("Mes séances", "conferences:my_sessions", "conferences:my_sessions", False),
    ("Calendrier", "conferences:session_calendar", "conferences:session_calendar", False),
    ("Saisines", "referrals:referral_list", "app:referrals", False),
    ("Services mutualisés", "mutualisation:catalogue", "app:mutualisation", False),
    (
        "Demandes des maires",
        "conferences:mayors_request_list",
        "conferences:mayors_request_list",
        False,
    ),
    (
        "Gérer les séances",
        "conferences:session_manage_list",
        "conferences:session_manage_list",
        True,
    ),
    (
        "Publications à faire",
        "conferences:publication_dashboard",
        "conferences:publication_dashboard",
        True,
    ),
    ("Inviter", "governance:invite_user", "governance:invite_user", True),
    ("Imports", "governance:import_list", "governance:import_list", True),
    ("Journal", "governance:audit_log", "governance:audit_log", True),
    ("Sécurité du compte", "mfa_index", None, False),
)


def _current_keys(request) -> tuple[str, str]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "", ""
    return match.view_name or "", f"app:{match.app_name}" if match.app_name else ""


@lru_cache(maxsize=256)
def _render(prefix: str, secretariat: bool, url_name: str, app_key: str) -> SafeString:
    items = []
    for label, name, current, secretariat_only in ENTRIES:
        if secretariat_only and not secretariat:
            continue
        is_current = current is not None and current in (url_name, app_key)
        marker = ' aria-current="page"' if is_current else ""
        items.append(f'<li><a href="{escape(reverse(name))}"{marker}>{escape(label)}</a></li>')
    return mark_safe("\n        ".join(items))  # every value in it is escaped


def main_nav(request, *, secretariat: bool) -> SafeString:
    """The <li> entries of the main navigation for this request."""
    return _render(get_script_prefix(), secretariat, *_current_keys(request))
