from django.db import migrations

# (code, Chinese, English): the built-in key-person categories. Commanders add more in the UI.
BUILTIN = [
    ("from_risk_area", "来自风险地区", "from a risk area"),
    ("close_contact", "密切接触者", "close contact"),
    ("fever", "发热", "fever"),
    ("under_observation", "医学观察中", "under observation"),
    ("difficulty", "困难群众", "household in difficulty"),
    ("elderly_alone", "独居老人", "elderly living alone"),
    ("disabled", "残疾人", "disabled"),
]


def load(apps, schema_editor):
    KeyPersonTag = apps.get_model("people", "KeyPersonTag")
    for code, name, name_en in BUILTIN:
        KeyPersonTag.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "builtin": True})


class Migration(migrations.Migration):
    # Saving the tags writes change-log entries: the change log's table must exist (an app whose label
    # sorts before "core" and depends on the register would otherwise migrate this one first).
    dependencies = [("people", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
