"""The models of the conferences app, each defined in its feature package and gathered here so
that Django registers them and ``conferences.models.X`` keeps working (migrations import it)."""

from conferences.browse.models import CalendarFeed
from conferences.convocations.models import Convocation
from conferences.mayors.models import MayorsRequest, MayorsRequestSignature
from conferences.minutes.models import Minutes, MinutesSignature, MinutesVersion
from conferences.pdf.models import RenderedDocument
from conferences.publication.models import Publication
from conferences.replies.models import Proxy, Reply
from conferences.sessions.models import AgendaDocument, AgendaItem, Session, agenda_document_path
from conferences.sitting.models import AttendanceEvent, Ballot, Recusal, Vote
from conferences.tokens import new_token

# Named by migration 0001 as the default of the token fields and the upload path.
_token = new_token

__all__ = [
    "AgendaDocument",
    "AgendaItem",
    "AttendanceEvent",
    "Ballot",
    "CalendarFeed",
    "Convocation",
    "MayorsRequest",
    "MayorsRequestSignature",
    "Minutes",
    "MinutesSignature",
    "MinutesVersion",
    "Proxy",
    "Publication",
    "Recusal",
    "RenderedDocument",
    "Reply",
    "Session",
    "Vote",
    "agenda_document_path",
]
