"""The one way a side effect is queued: a Celery task, by ids, never an error for the user.

    enqueue_on_commit(task, *args, **kwargs)   # from a service, inside its transaction
    enqueue(task, *args, **kwargs) -> bool     # from a page or a sweep, outside any transaction

A service queues its task **on commit**: a task queued before the commit could read the rows
before they exist, and one queued by a transaction that rolls back would act on nothing.

A broker that is down (Redis stopped, unreachable, timing out) is logged, never raised: a
publication, a convocation or a download must not answer a 500 because the queue is away. What
was not queued is caught up by the periodic sweep of its feature, declared next to the others in
settings.CELERY_BEAT_SCHEDULE (the outbox, the imports, the publications and their distribution,
the schéma reports). Each sweep finds the work from the rows themselves (a message still pending,
a publication requested but not stored...), so nothing depends on the queued message surviving.

Only publishing errors are swallowed. An error raised by the task itself (when tasks run eagerly,
without a broker) still propagates, so that a bug is seen, except a transient one (an OSError:
storage or network; a Retry), which the retries and the sweeps exist for.
"""

from __future__ import annotations

import logging
from functools import partial

from celery.exceptions import Retry
from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# What publishing a message may raise when the broker is away: kombu wraps the transport's
# connection errors (redis-py's included) into OperationalError, a KombuError; a socket that
# cannot connect at all is an OSError (ConnectionRefusedError, TimeoutError). Retry is what a
# task run eagerly (no broker configured) raises on a transient error it would retry.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, OSError, Retry)
try:  # the transport's own errors, when one escapes kombu's wrapping
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency of the Celery broker
    pass
else:
    BROKER_ERRORS += (RedisError,)


def enqueue(task, *args, **kwargs) -> bool:
    """Queue ``task`` with these arguments now. False, with a warning in the log, when the
    broker cannot take it: the feature's periodic sweep will queue it again."""
    try:
        task.delay(*args, **kwargs)
    except BROKER_ERRORS as exc:
        logger.warning(
            "File d'attente indisponible : %s%r laissé à la relance périodique (%s: %s)",
            task.name,
            args,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits (at once outside a transaction);
    nothing is queued if it rolls back. A broker that is down is handled as by ``enqueue``."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs))


def enqueue_each(task, arguments) -> int:
    """Queue ``task`` once per item of ``arguments`` (a tuple of positional arguments, or one
    argument), as a periodic sweep does. Stops at the first broker error (the next run of the
    sweep takes the rest) and returns how many were queued."""
    queued = 0
    for item in arguments:
        if not enqueue(task, *(item if isinstance(item, tuple) else (item,))):
            break
        queued += 1
    return queued
