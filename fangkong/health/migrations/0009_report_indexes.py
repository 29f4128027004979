"""Indexes for the daily reports' figures: each counts a subtree's rows (an ``area_path`` range) of one day.

Checks get a partial index on fever checks by day then path (``fever_today`` reads a day's fever
checks of a subtree, not every check of it); cases, contacts and transfers had no ``area_path`` index.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0008_test_days"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["area_path", "reported_at"], name="health_case_area_pa_0f4d8a_idx"),
        ),
        migrations.AddIndex(
            model_name="check",
            index=models.Index(
                condition=models.Q(("is_fever", True)), fields=["taken_on", "area_path"], name="check_fever_day"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["area_path", "created"], name="health_cont_area_pa_d174f7_idx"),
        ),
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(fields=["area_path", "transferred_at"], name="health_tran_area_pa_3015d5_idx"),
        ),
    ]
