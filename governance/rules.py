"""Rules of the bodies (instances), as data, with their legal source.

Bodies differ by rules, not by code (docs/DOMAIN.md §3): each Body row carries its own notice
period, quorum rule, proxies, publicity and rhythm. The defaults below fill a new body of a given
kind; a jurist changes a default here, the secretariat overrides it on the body itself.
"""

from dataclasses import dataclass

from django.db import models


class BodyKind(models.TextChoices):
    MAYORS_CONFERENCE = "mayors_conference", "Conférence des maires"
    TERRITORIAL_CONFERENCE = "territorial_conference", "Conférence territoriale des maires"
    WORKING_GROUP = "working_group", "Groupe de travail"
    DGS_BOARD = "dgs_board", "Collégiale des DGS"
    CLECT = "clect", "CLECT"
    BUREAU = "bureau", "Bureau"
    COUNCIL = "council", "Conseil communautaire"
    OTHER = "other", "Autre instance"


class QuorumRule(models.TextChoices):
    MAJORITY_IN_OFFICE = "majority", "Plus de la moitié des membres en exercice présents (L2121-17)"
    THIRD_IN_OFFICE = "third", "Un tiers des membres en exercice présents"
    NONE = "none", "Pas de quorum"


@dataclass(frozen=True)
class BodyRules:
    notice_days: int
    emergency_notice_days: int | None
    quorum_rule: str
    proxies_allowed: bool
    is_public: bool
    min_sessions_per_year: int
    deliberative: bool
    gives_opinions: bool
    convened_by: str
    source: str


BODY_DEFAULTS: dict[str, BodyRules] = {
    # The council follows the rules of communes of 3,500+ inhabitants (L5211-1, L2121-12):
    # 5 jours francs, 1 in an emergency; sits in public, at least once a quarter (L5211-11).
    BodyKind.COUNCIL: BodyRules(
        5,
        1,
        QuorumRule.MAJORITY_IN_OFFICE,
        True,
        True,
        4,
        True,
        False,
        "le président",
        "L5211-1, L2121-12, L2121-17, L5211-11",
    ),
    # The bureau decides on delegation of the council (L5211-10): same notice by product choice.
    BodyKind.BUREAU: BodyRules(
        5, 1, QuorumRule.MAJORITY_IN_OFFICE, True, False, 0, True, False, "le président", "L5211-10"
    ),
    # Conférence des maires (L5211-11-3): consultative; convened by the president or at the
    # request of one third of the mayors (at most 4 such meetings a year).
    BodyKind.MAYORS_CONFERENCE: BodyRules(
        5,
        1,
        QuorumRule.NONE,
        True,
        False,
        0,
        False,
        True,
        "le président, ou un tiers des maires (4 fois par an au plus)",
        "L5211-11-3, L5211-40-2",
    ),
    BodyKind.TERRITORIAL_CONFERENCE: BodyRules(
        3, 1, QuorumRule.NONE, False, False, 0, False, True, "le président", "pratique (m2A)"
    ),
    BodyKind.WORKING_GROUP: BodyRules(
        3,
        None,
        QuorumRule.NONE,
        False,
        False,
        0,
        False,
        False,
        "le vice-président référent",
        "pratique",
    ),
    BodyKind.DGS_BOARD: BodyRules(
        3,
        None,
        QuorumRule.NONE,
        False,
        False,
        5,
        False,
        False,
        "la direction générale",
        "pratique (m2A : 5 réunions par an)",
    ),
    # CLECT: CGI art. 1609 nonies C IV; its rules of procedure are its own, product default here.
    BodyKind.CLECT: BodyRules(
        5,
        1,
        QuorumRule.MAJORITY_IN_OFFICE,
        True,
        False,
        0,
        True,
        False,
        "son président",
        "CGI art. 1609 nonies C IV",
    ),
    BodyKind.OTHER: BodyRules(
        3, None, QuorumRule.NONE, False, False, 0, False, False, "l'EPCI", "configuration"
    ),
}


def defaults_for(kind: str) -> BodyRules:
    return BODY_DEFAULTS[BodyKind(kind)]
