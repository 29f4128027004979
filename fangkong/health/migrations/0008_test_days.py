import datetime

import fangkong.health.models
from django.db import migrations, models

# The days of the first edition on which a nucleic-acid sample is due (day 1 is the start).
FIRST_EDITION_TEST_DAYS = [1, 7, 13]


def load(apps, schema_editor):
    Protocol = apps.get_model("health", "Protocol")
    for protocol in Protocol.objects.filter(effective_from=datetime.date(2020, 1, 1)):
        if not protocol.test_days:  # a commander who set them already keeps theirs
            # update() sends no signals: a migration's data change has no change-log entry.
            Protocol.objects.filter(pk=protocol.pk).update(test_days=FIRST_EDITION_TEST_DAYS)


class Migration(migrations.Migration):
    dependencies = [("health", "0007_derived_status")]

    operations = [
        migrations.AddField(
            model_name="protocol",
            name="test_days",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The days of an observation on which a nucleic-acid sample is due; day 1 is its start.",
                validators=[fangkong.health.models.validate_test_days],
                verbose_name="test days",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="disinfection",
            constraint=models.UniqueConstraint(fields=("episode", "done_on"), name="one_disinfection_per_episode_per_day"),
        ),
    ]
