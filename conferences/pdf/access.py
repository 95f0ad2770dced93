"""Which documents of a session exist and who may download them. Pure: no query, the caller
passes what it knows (the session page already has ``manage`` and ``sits``)."""

from __future__ import annotations

from django.urls import reverse

from conferences.models import RenderedDocument, Session

Kind = RenderedDocument.Kind

# Anyone may download the convocation of a public session (L2121-10: convocation and agenda
# posted). The list of deliberations, the minutes and the opinions reach the public only as the
# Publication rows the secretariat puts online (L2121-25, L2121-15): the live list of a session
# whose votes are still being entered is a working document, not a publication.
PUBLIC_KINDS = (Kind.CONVOCATION,)
SAT = (Session.Status.HELD, Session.Status.CLOSED)


def applicable_kinds(session: Session) -> list[str]:
    """The documents that make sense for the session in its current state, in reading order."""
    if session.status == Session.Status.CANCELLED:
        return [Kind.CONVOCATION]
    kinds = [Kind.CONVOCATION, Kind.PACK]
    if session.status in SAT:
        kinds.append(Kind.DELIBERATIONS)
        if session.body.gives_opinions:
            kinds.append(Kind.OPINIONS)
        kinds.append(Kind.MINUTES)
    return kinds


def allowed_kinds(user, session: Session, *, manage: bool, sits: bool) -> list[str]:
    """Among the applicable documents, those this visitor may download. The session itself must
    already be in the visitor's scope (conferences.perms). The draft minutes are for the
    secretariat and the members who will adopt them."""
    kinds = applicable_kinds(session)
    if not user.is_authenticated:
        return [k for k in kinds if k in PUBLIC_KINDS]
    if manage or sits:
        return kinds
    return [k for k in kinds if k != Kind.MINUTES]


def links_for(user, session: Session, *, manage: bool, sits: bool) -> list[dict]:
    return [
        {
            "kind": kind,
            "label": Kind(kind).label,
            "url": reverse("conferences:session_pdf", kwargs={"pk": session.pk, "kind": kind}),
        }
        for kind in allowed_kinds(user, session, manage=manage, sits=sits)
    ]
