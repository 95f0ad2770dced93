"""Models of the shared services (docs/DOMAIN.md §8): the offers the EPCI makes to its communes,
the conventions the communes sign, their service requests, what is lent (equipment, drivers,
itinerant secretaries, training seats), needs surveys and the yearly report on the schéma.
Each feature package defines its own (catalogue/, requests/, scheduling/, reports/, surveys/)."""

# Django loads an app's models from <app>.models: the features define them, this gathers them.
from mutualisation.catalogue.models import (
    Convention,
    Eligibility,
    EquipmentItem,
    ServiceOffer,
    StaffMember,
    TrainingSession,
)
from mutualisation.reports.models import (
    SCHEMA_CONSULTATION_BASIS,
    CommonService,
    MutualisationSchema,
    ProgressReport,
    SavingRecord,
    StaffProvision,
)
from mutualisation.requests.models import (
    Domain,
    RequestAttachment,
    RequestMessage,
    RequestTransition,
    ServiceRequest,
    TimeEntry,
)
from mutualisation.scheduling.models import Booking, Mission, SeatReservation
from mutualisation.surveys.models import NeedsSurvey

__all__ = [
    "SCHEMA_CONSULTATION_BASIS",
    "Booking",
    "CommonService",
    "Convention",
    "Domain",
    "Eligibility",
    "EquipmentItem",
    "Mission",
    "MutualisationSchema",
    "NeedsSurvey",
    "ProgressReport",
    "RequestAttachment",
    "RequestMessage",
    "RequestTransition",
    "SavingRecord",
    "SeatReservation",
    "ServiceOffer",
    "ServiceRequest",
    "StaffMember",
    "StaffProvision",
    "TimeEntry",
    "TrainingSession",
]
