"""An index on the cases' timeline, (case, at, id): a case's classification on a day is the last of its
events by the day's end (``health.indicators.classified_then``), read for every case and day of a
report or a dashboard's 30-day trend."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0010_alert_raised_at_a_place_without_a_person"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(fields=["case", "at", "id"], name="caseevent_timeline"),
        ),
    ]
