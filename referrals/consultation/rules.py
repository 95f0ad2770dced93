"""The legal bases of a consultation of the communes (saisine), as data: the one place a jurist
reads and changes them (docs/DOMAIN.md §5).

Each preset carries the deadline's length, what a commune's silence means once its deadline has
passed, the qualified majority that decides the outcome (docs/DOMAIN.md §6), and the articles. A
preset fills the referral's own fields when it is opened; after that the referral keeps its own
copy, so that changing a preset never changes a consultation already under way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class LegalBasis(models.TextChoices):
    MUTUALISATION = "mutualisation", "Schéma de mutualisation"
    SINGLE_COMMUNE = "single_commune", "Décision concernant une seule commune"
    COMPETENCE = "competence", "Transfert de compétence / modification des statuts"
    PLUI = "plui", "Projet de PLUi arrêté"
    GOVERNANCE_PACT = "governance_pact", "Pacte de gouvernance"
    CLECT = "clect", "Rapport de la CLECT"
    DATA_COLLECTION = "data_collection", "Collecte de données (recensement)"
    CUSTOM = "custom", "Autre (délai et sens du silence fixés à la main)"


class Silence(models.TextChoices):
    """What a commune's silence at the end of its deadline is deemed to be."""

    FAVOURABLE = "favourable", "Avis réputé favorable"
    NOTHING = "nothing", "Pas d'avis (le silence clôt la consultation)"
    NOT_APPROVED = "not_approved", "Réputé ne pas approuver"


class Majority(models.TextChoices):
    """Which rule of majorities.py decides the outcome, if any."""

    NONE = "none", "Aucune majorité qualifiée"
    CLECT = "clect", "Majorité qualifiée CLECT (CGI 1609 nonies C IV)"
    PERIMETER = "perimeter", "Majorité qualifiée de création / périmètre (L5211-5 II)"


DEFAULT_REMINDER_DAYS = (30, 15, 7, 1)


def default_reminder_days() -> list[int]:
    """Reminders to the communes that have not answered, in days before their deadline."""
    return list(DEFAULT_REMINDER_DAYS)


@dataclass(frozen=True)
class Preset:
    basis: LegalBasis
    months: int | None  # None: the EPCI sets the deadline when it opens the consultation
    silence: Silence
    majority: Majority
    reference: str
    note: str = ""
    single_commune: bool = False


PRESETS: dict[str, Preset] = {
    p.basis: p
    for p in (
        Preset(
            LegalBasis.MUTUALISATION,
            3,
            Silence.FAVOURABLE,
            Majority.NONE,
            "CGCT L5211-39-1",
            "Schéma facultatif depuis 2019.",
        ),
        Preset(
            LegalBasis.SINGLE_COMMUNE,
            3,
            Silence.FAVOURABLE,
            Majority.NONE,
            "CGCT L5211-57",
            "Sur avis défavorable, le conseil communautaire statue à la majorité des deux tiers.",
            single_commune=True,
        ),
        # L5211-17 and L5211-20 refer to "les conditions de majorité requises pour la création
        # de l'EPCI", i.e. L5211-5 II: the two-way majority plus the largest commune.
        Preset(
            LegalBasis.COMPETENCE,
            3,
            Silence.FAVOURABLE,
            Majority.PERIMETER,
            "CGCT L5211-17, L5211-20 (majorité de L5211-5 II)",
            "Délai de trois mois à compter de la notification.",
        ),
        Preset(
            LegalBasis.PLUI,
            3,
            Silence.FAVOURABLE,
            Majority.NONE,
            "Code de l'urbanisme L153-15, R153-5",
        ),
        Preset(
            LegalBasis.GOVERNANCE_PACT,
            2,
            Silence.NOTHING,
            Majority.NONE,
            "CGCT L5211-11-2",
            "Le silence ne vaut pas avis : il clôt seulement la consultation.",
        ),
        Preset(
            LegalBasis.CLECT,
            3,
            Silence.NOT_APPROVED,
            Majority.CLECT,
            "CGI art. 1609 nonies C IV (renvoi à L5211-5 II, 1er alinéa)",
            "Délai de trois mois à compter de la transmission ; à défaut d'approbation, "
            "le préfet fixe le montant des charges.",
        ),
        Preset(
            LegalBasis.DATA_COLLECTION,
            None,
            Silence.NOTHING,
            Majority.NONE,
            "Pratique (délai fixé par l'EPCI)",
        ),
        Preset(
            LegalBasis.CUSTOM,
            None,
            Silence.NOTHING,
            Majority.NONE,
            "Saisie manuelle",
        ),
    )
}


def preset_for(basis: str) -> Preset:
    return PRESETS[LegalBasis(basis)]


def is_opinion(basis: str) -> bool:
    """A data collection asks for answers to a questionnaire, not for a council's opinion."""
    return basis != LegalBasis.DATA_COLLECTION
