"""A lint that runs with every query of the suite: a row lock taken together with
`select_related()` must name its tables with `of=`.

On PostgreSQL `SELECT ... FOR UPDATE` over a join locks the joined rows too: locking a session
with `select_related("body__epci")` locks the EPCI's row and the body's for as long as the
transaction lasts (the rendering of 2,700 convocation messages), and every other write on that
EPCI waits. `select_for_update(of=("self",))` locks only the row being changed. SQLite has no row
locks, so the check is made on the compiled query, the same on both databases."""

from __future__ import annotations

from django.db.models.sql.compiler import SQLCompiler


class UnscopedRowLock(AssertionError):
    pass


def check_row_lock(query) -> None:
    if query.select_for_update and query.select_related and not query.select_for_update_of:
        raise UnscopedRowLock(
            f"select_for_update() with select_related() on {query.model.__name__} locks the "
            'joined rows too: pass of=("self",) (or the tables to lock).'
        )


_original_as_sql = SQLCompiler.as_sql


def _checked_as_sql(self, *args, **kwargs):
    check_row_lock(self.query)
    return _original_as_sql(self, *args, **kwargs)


def install() -> None:
    SQLCompiler.as_sql = _checked_as_sql
