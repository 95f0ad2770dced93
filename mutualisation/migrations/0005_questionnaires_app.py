"""A needs survey's questionnaire now belongs to the questionnaires app (same table: state only);
the schéma's consultation lists only the referrals of the matching legal basis (no column
changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("mutualisation", "0004_request_list_index"),
        ("questionnaires", "0001_initial"),
    ]
    # The questionnaire models leave the referrals app's state there: this survey's foreign key
    # must point to their new app first.
    run_before = [("referrals", "0002_questionnaires_moved_out")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="needssurvey",
                    name="questionnaire",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="needs_survey",
                        to="questionnaires.questionnaire",
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="mutualisationschema",
            name="consultation",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"legal_basis": "mutualisation"},
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="mutualisation_schemas",
                to="referrals.referral",
                verbose_name="consultation des communes",
            ),
        ),
    ]
