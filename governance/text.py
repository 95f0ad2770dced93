"""Text normalisation used to match names and labels from official files (accents, case)."""

import unicodedata


def normalise(text: str) -> str:
    """'Président du Conseil' → 'president du conseil'; collapses spaces and hyphens' spacing."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().replace("’", "'").split())


def person_match_key(last_name: str, first_name: str) -> str:
    return f"{normalise(last_name)}|{normalise(first_name)}"
