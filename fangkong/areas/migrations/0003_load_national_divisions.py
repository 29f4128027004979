"""Loads the national division list (fangkong/areas/data/national_divisions.csv) every install needs."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "national_divisions.csv"


def load(apps, schema_editor):
    from fangkong.areas.models import pinyin_of

    Division = apps.get_model("areas", "Division")
    if Division.objects.exists():
        return
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    names = {row["code"]: row["name"] for row in rows}
    parents = {row["code"]: row["parent_code"] for row in rows}
    by_code = {}
    for level in ("province", "prefecture", "county"):
        batch = []
        for row in rows:
            if row["level"] != level:
                continue
            chain, code = [], row["code"]
            while code:
                chain.insert(0, names[code])
                code = parents[code]
            division = Division(
                code=row["code"],
                name=row["name"],
                level=level,
                parent=by_code.get(row["parent_code"]),
                full_name=" ".join(name for name in chain if name not in ("市辖区", "县")),
                initials=pinyin_of(row["name"])[1],
            )
            batch.append(division)
        Division.objects.bulk_create(batch, batch_size=1000)
        by_code.update({division.code: division for division in batch})


class Migration(migrations.Migration):
    dependencies = [("areas", "0002_division_riskarea")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
