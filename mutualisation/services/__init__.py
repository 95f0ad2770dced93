"""Writes of the shared services, one module per concern. Every function is keyword-only, runs in
a transaction and records an audit event; side effects (mail) leave through the outbox on commit.
"""
