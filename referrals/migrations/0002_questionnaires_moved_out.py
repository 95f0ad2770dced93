"""The questionnaire engine's models now belong to the questionnaires app (its migration 0001):
the referral's foreign key points there and the models leave this app's state. Their tables stay
where they are (state only, nothing dropped)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("questionnaires", "0001_initial"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="questionnaire",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="referrals",
                        to="questionnaires.questionnaire",
                    ),
                ),
                migrations.DeleteModel(name="Answer"),
                migrations.DeleteModel(name="Response"),
                migrations.DeleteModel(name="Question"),
                migrations.DeleteModel(name="Questionnaire"),
            ],
        ),
    ]
