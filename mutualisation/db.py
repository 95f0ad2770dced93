"""Migration operations that only exist on PostgreSQL. The project also runs on SQLite (the
embedded default), where these are no-ops and the services' row locks and checks do the job."""

from __future__ import annotations

from django.db import migrations


class PostgresOnlyRunSQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "SQL propre à PostgreSQL : " + super().describe()


def exclusion_constraint(*, table: str, name: str, definition: str) -> PostgresOnlyRunSQL:
    return PostgresOnlyRunSQL(
        sql=f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist ({definition})",
        reverse_sql=f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}",
    )
