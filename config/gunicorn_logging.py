"""gunicorn's access log without the secrets of the portal's URLs (core.redaction): the request
line, the path, the query and the Referer of every line are masked the same way."""

from gunicorn.glogging import Logger

from core.redaction import redact_secrets


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact_secrets(v) if isinstance(v, str) else v for k, v in atoms.items()}
