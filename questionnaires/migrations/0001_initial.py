"""The questionnaire engine's models, moved here from the referrals app. Their tables exist already
(created by referrals 0001, names kept through db_table): this migration changes the project state
only. Content types follow the models, so that permissions granted on them are kept."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("questionnaire", "question", "response", "answer")


def move_content_types(apps, schema_editor, source="referrals", target="questionnaires"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if content_type.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        content_type.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def restore_content_types(apps, schema_editor):
    move_content_types(apps, schema_editor, source="questionnaires", target="referrals")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0001_initial"),
        ("referrals", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Questionnaire',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='titre')),
                        ('description', models.TextField(blank=True, verbose_name='présentation')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('epci', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questionnaires', to='governance.epci')),
                    ],
                    options={
                        'db_table': 'referrals_questionnaire',
                        'verbose_name': 'questionnaire',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Question',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='ordre')),
                        ('label', models.CharField(max_length=300, verbose_name='intitulé')),
                        ('help_text', models.CharField(blank=True, max_length=300, verbose_name='aide')),
                        ('kind', models.CharField(choices=[('text', 'Texte'), ('number', 'Nombre'), ('choice', 'Choix dans une liste'), ('date', 'Date'), ('file', 'Fichier')], max_length=10, verbose_name='type')),
                        ('required', models.BooleanField(default=False, verbose_name='obligatoire')),
                        ('choices', models.JSONField(blank=True, default=list, verbose_name='choix possibles')),
                        ('questionnaire', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='questionnaires.questionnaire')),
                    ],
                    options={
                        'db_table': 'referrals_question',
                        'verbose_name': 'question',
                        'ordering': ['position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Response',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', 'Brouillon'), ('submitted', 'Transmise')], default='draft', max_length=10)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('commune', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='questionnaire_responses', to='governance.commune')),
                        ('questionnaire', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='questionnaires.questionnaire')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'referrals_response',
                        'verbose_name': 'réponse à un questionnaire',
                        'ordering': ['commune__name', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Answer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(blank=True)),
                        ('number', models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True)),
                        ('date', models.DateField(blank=True, null=True)),
                        ('file', models.FileField(blank=True, upload_to='questionnaires/%Y/%m/')),
                        ('file_name', models.CharField(blank=True, max_length=255)),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='questionnaires.question')),
                        ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='questionnaires.response')),
                    ],
                    options={
                        'db_table': 'referrals_answer',
                        'verbose_name': 'réponse à une question',
                        'ordering': ['question__position', 'pk'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='response',
                    constraint=models.UniqueConstraint(fields=('questionnaire', 'commune'), name='uniq_response_commune'),
                ),
                migrations.AddConstraint(
                    model_name='answer',
                    constraint=models.UniqueConstraint(fields=('response', 'question'), name='uniq_answer_question'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
