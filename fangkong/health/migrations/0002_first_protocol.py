import datetime
from decimal import Decimal

from django.db import migrations

# (code, Chinese, English, respiratory): a respiratory symptom counts as a fever, whatever the temperature.
SYMPTOMS = [
    ("fever", "发热", "fever", True),
    ("chills", "畏寒", "chills", False),
    ("fatigue", "乏力", "fatigue", False),
    ("dry_cough", "干咳", "dry cough", True),
    ("sore_throat", "咽痛", "sore throat", True),
    ("shortness_of_breath", "气促", "shortness of breath", True),
    ("diarrhoea", "腹泻", "diarrhoea", False),
    ("conjunctival_congestion", "结膜充血", "conjunctival congestion", False),
    ("loss_of_smell_or_taste", "嗅(味)觉减退", "loss of smell or taste", False),
]


def load(apps, schema_editor):
    Protocol = apps.get_model("health", "Protocol")
    Protocol.objects.get_or_create(
        effective_from=datetime.date(2020, 1, 1),
        defaults={
            "name": "2020 国家卫健委 第一版",
            "fever_threshold": Decimal("37.3"),
            "backfill_days": 2,
            "symptoms": [
                {"code": code, "name": name, "name_en": name_en, "respiratory": respiratory}
                for code, name, name_en, respiratory in SYMPTOMS
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("health", "0001_observation")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
