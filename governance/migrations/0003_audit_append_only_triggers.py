"""The audit log is append-only in the database too, not only through the ORM: a trigger refuses
every UPDATE and DELETE of its rows on PostgreSQL (the production database), every UPDATE on
SQLite. One change is let through: the actor set to NULL when that account is deleted (ON DELETE
SET NULL, done by Django), the rest of the row unchanged.

Emptying the whole database stays possible (`manage.py flush`, the test runner between
transactional tests): PostgreSQL does it with TRUNCATE, which row triggers do not see; SQLite
has no TRUNCATE and empties tables with DELETE, which is why it gets no DELETE trigger."""

from django.db import migrations, models

MESSAGE = "Le journal d''audit est en ajout seul."
COLUMNS = ("at", "epci_id", "action", "object_type", "object_id", "data")

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION governance_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND ({", ".join(f"NEW.{c}" for c in COLUMNS)})
           IS NOT DISTINCT FROM ({", ".join(f"OLD.{c}" for c in COLUMNS)}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_auditevent_append_only
    BEFORE UPDATE OR DELETE ON governance_auditevent
    FOR EACH ROW EXECUTE FUNCTION governance_auditevent_append_only();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS governance_auditevent_append_only ON governance_auditevent;
DROP FUNCTION IF EXISTS governance_auditevent_append_only();
"""

_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLUMNS)
SQLITE = [
    f"""CREATE TRIGGER governance_auditevent_no_update
    BEFORE UPDATE ON governance_auditevent
    WHEN NOT (NEW.actor_id IS NULL AND NEW.id IS OLD.id AND {_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS governance_auditevent_no_update;"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            return
        for statement in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_alter_user_managers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="epci",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="governance.epci",
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
