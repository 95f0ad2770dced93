"""Writes of the conferences app, one module per stage of a session's life:
scheduling (sessions, agenda, documents), convocation (legal notice, outbox, read receipts,
reminders), replies (answers and proxies), sitting (attendance, quorum, votes, second
convocation), mayors (requests to convene the conférence des maires)."""
