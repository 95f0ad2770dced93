"""The audit log: recording events (services), the secretariat's log page and its CSV export.

Every app records its legal and administrative events through ``record_event``; the names are
re-exported here so that ``from governance.audit import record_event`` stays the one way in."""

from governance.audit.services import audit_event, record_event, record_events

__all__ = ["audit_event", "record_event", "record_events"]
