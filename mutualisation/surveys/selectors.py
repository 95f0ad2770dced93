"""Analysis of a needs survey by commune size bracket (docs/DOMAIN.md §8: up to 2,000; 2,001–5,000;
over 5,000 inhabitants) and by sector. Answers come from the questionnaire engine."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from questionnaires.models import Answer, Question, Response

BRACKETS = (
    ("small", "2 000 habitants ou moins"),
    ("medium", "2 001 à 5 000 habitants"),
    ("large", "Plus de 5 000 habitants"),
    ("unknown", "Population inconnue"),
)


def bracket_of(population: int | None) -> str:
    if population is None:
        return "unknown"
    if population <= 2000:
        return "small"
    if population <= 5000:
        return "medium"
    return "large"


@dataclass
class QuestionAnalysis:
    question: Question
    # group label -> {"responses": n, "counts": Counter of choices, "total": Decimal}
    by_bracket: dict[str, dict] = field(default_factory=dict)
    by_sector: dict[str, dict] = field(default_factory=dict)


def _bucket():
    return {"responses": 0, "counts": Counter(), "total": Decimal(0)}


def analyse(survey) -> dict:
    """Submitted responses only. Choice questions: counts per choice; numbers: totals; other
    kinds: how many answered. Two queries (questions, answers with commune and sector)."""
    questions = list(Question.objects.filter(questionnaire=survey.questionnaire))
    answers = (
        Answer.objects.filter(
            response__questionnaire=survey.questionnaire,
            response__status=Response.Status.SUBMITTED,
        )
        .select_related("response__commune__sector")
        .order_by("question_id", "pk")
    )
    per_question = {q.pk: QuestionAnalysis(question=q) for q in questions}
    bracket_labels = dict(BRACKETS)
    communes_by_bracket: dict[str, set] = defaultdict(set)
    for answer in answers:
        commune = answer.response.commune
        bracket = bracket_labels[bracket_of(commune.population)]
        sector = commune.sector.name if commune.sector else "Sans secteur"
        communes_by_bracket[bracket].add(commune.pk)
        analysis = per_question.get(answer.question_id)
        if analysis is None:
            continue
        for groups, key in ((analysis.by_bracket, bracket), (analysis.by_sector, sector)):
            bucket = groups.setdefault(key, _bucket())
            if answer.text or answer.number is not None or answer.date or answer.file_name:
                bucket["responses"] += 1
            if analysis.question.kind == Question.Kind.CHOICE and answer.text:
                bucket["counts"][answer.text] += 1
            if answer.number is not None:
                bucket["total"] += answer.number
    order = [label for _, label in BRACKETS]
    for analysis in per_question.values():
        for groups in (analysis.by_bracket, analysis.by_sector):
            for bucket in groups.values():
                # A list, most frequent first: templates cannot call Counter.most_common.
                bucket["counts"] = sorted(bucket["counts"].items(), key=lambda kv: (-kv[1], kv[0]))
        analysis.by_bracket = dict(
            sorted(analysis.by_bracket.items(), key=lambda kv: order.index(kv[0]))
        )
        analysis.by_sector = dict(sorted(analysis.by_sector.items()))
    return {
        "questions": list(per_question.values()),
        "respondents": {label: len(communes_by_bracket.get(label, ())) for label in order},
    }
