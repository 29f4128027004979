"""The first item catalogue: what every county stocks against an epidemic (commanders extend it)."""

from django.db import migrations

ITEMS = [
    ("mask-n95", "N95 口罩", "N95 respirator", "mask", "只"),
    ("mask-surgical", "医用外科口罩", "surgical mask", "mask", "只"),
    ("mask-medical", "一次性医用口罩", "disposable medical mask", "mask", "只"),
    ("suit", "医用防护服", "protective suit", "clothing", "套"),
    ("goggles", "护目镜", "goggles", "clothing", "副"),
    ("face-shield", "防护面屏", "face shield", "clothing", "个"),
    ("gloves", "医用手套", "medical gloves", "clothing", "副"),
    ("shoe-covers", "鞋套", "shoe covers", "clothing", "双"),
    ("disinfectant-84", "84 消毒液", "84 disinfectant", "disinfectant", "瓶"),
    ("alcohol-75", "75% 酒精", "75% alcohol", "disinfectant", "瓶"),
    ("hand-sanitiser", "免洗洗手液", "hand sanitiser", "disinfectant", "瓶"),
    ("thermometer-ir", "红外额温枪", "infrared thermometer", "instrument", "把"),
    ("thermometer", "体温计", "clinical thermometer", "instrument", "支"),
    ("sprayer", "喷雾器", "sprayer", "instrument", "台"),
]


def load(apps, schema_editor):
    # bulk_create sends no signals: reference data loaded by a migration has no change-log entries.
    item_model = apps.get_model("supplies", "Item")
    known = set(item_model.objects.values_list("code", flat=True))
    item_model.objects.bulk_create(
        item_model(code=code, name=name, name_en=name_en, category=category, unit=unit)
        for code, name, name_en, category, unit in ITEMS
        if code not in known
    )


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_supplies")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
