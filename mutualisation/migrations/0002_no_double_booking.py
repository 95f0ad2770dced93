"""No double booking, enforced by PostgreSQL itself (exclusion constraints over time ranges).

On SQLite these operations do nothing: the services lock and check (see scheduling/services.py).
btree_gist lets a GiST index compare the integer ids with "=" next to the range overlap "&&"."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from mutualisation.db import exclusion_constraint

LIVE = "status <> 'cancelled'"


class Migration(migrations.Migration):
    dependencies = [("mutualisation", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        exclusion_constraint(
            table="mutualisation_booking",
            name="booking_item_no_overlap",
            definition=f"item_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            f"WHERE ({LIVE}",
        ),
        exclusion_constraint(
            table="mutualisation_booking",
            name="booking_driver_no_overlap",
            definition=f"driver_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            f"WHERE (driver_id IS NOT NULL AND {LIVE}",
        ),
        exclusion_constraint(
            table="mutualisation_mission",
            name="mission_secretary_no_overlap",
            definition=f"secretary_id WITH =, daterange(start_date, end_date, '[]') WITH &&) "
            f"WHERE ({LIVE}",
        ),
    ]
