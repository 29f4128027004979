"""core.bulk: the fast insert path writes what bulk_create writes, on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from fangkong.areas.models import Area
from fangkong.core import bulk, changelog
from fangkong.core.context import Source, change_context
from fangkong.core.models import ChangeLogEntry

COMPARED = ["name", "level", "parent_id", "path", "short_name", "pinyin", "initials", "is_special", "retired_on"]


def grids(village, first, count, **extra):
    made = []
    for number in range(first, first + count):
        code, name = f"{village.code}{number:03d}", f"{number % 10}号网格"
        grid = Area(code=code, name=name, level=Area.Level.GRID, parent=village)
        for name, value in extra.items():
            setattr(grid, name, value)
        grid.fill_derived()
        made.append(grid)
    return made


def test_it_writes_the_same_rows_as_bulk_create(tree):
    retired = {"retired_on": datetime.date(2020, 3, 1), "is_special": True}
    Area.objects.bulk_create(grids(tree.village2, 1, 3, **retired))
    inserted = bulk.insert(grids(tree.village2, 11, 3, **retired))
    expected = list(Area.objects.filter(code__in=[f"611022106201{n:03d}" for n in (1, 2, 3)]).values(*COMPARED))
    written = list(Area.objects.filter(pk__in=[grid.pk for grid in inserted]).order_by("code").values(*COMPARED))
    for row in expected + written:
        row["path"] = row["path"][:-3]  # grid 011 is the copy of grid 001
    assert written == expected
    assert all(row["retired_on"] == datetime.date(2020, 3, 1) for row in written)


def test_it_sets_the_primary_keys_in_order(tree):
    made = bulk.insert(grids(tree.village2, 1, 5))
    assert [grid.pk for grid in made] == sorted(grid.pk for grid in made)
    assert [Area.objects.get(pk=grid.pk).code for grid in made] == [grid.code for grid in made]
    assert not made[0]._state.adding


def test_later_saves_get_fresh_ids(tree):
    made = bulk.insert(grids(tree.village2, 1, 3))
    after = Area(code="611022106201009", name="九号网格", level=Area.Level.GRID, parent=tree.village2)
    after.save()
    assert after.pk > max(grid.pk for grid in made)


def test_a_duplicate_is_djangos_integrity_error_and_nothing_is_written(tree):
    bulk.insert(grids(tree.village2, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert(grids(tree.village2, 2, 2) + grids(tree.village2, 1, 1))
    assert Area.objects.filter(parent=tree.village2).count() == 1


def test_it_fills_timestamps_left_empty(tree):
    before = timezone.now()
    grid = bulk.insert(grids(tree.village2, 1, 1))[0]
    assert Area.objects.get(pk=grid.pk).created >= before.replace(microsecond=0)


def test_change_log_entries_keep_their_json(tree, people):
    made = bulk.insert(grids(tree.village2, 1, 2))
    with change_context(Source.IMPORT, user=people.town_officer, request_id="req-1"):
        changelog.record_many(made, ChangeLogEntry.Kind.CREATE)
    entries = ChangeLogEntry.objects.filter(object_id__in=[str(grid.pk) for grid in made]).order_by("object_id")
    assert [(entry.kind, entry.user, entry.source, entry.request_id) for entry in entries] == 2 * [
        ("create", people.town_officer, "import", "req-1")
    ]
    assert entries[0].before is None
    assert entries[0].after["code"] == made[0].code and entries[0].after["is_special"] is False
    assert entries[0].area_path == made[0].path
    assert str(entries[0].object_repr) == str(made[0])


@pytest.mark.parametrize("count", [1, 3])
def test_change_log_entries_are_the_same_one_at_a_time_or_many(tree, people, count):
    """A save's single entry goes in one INSERT, an import's many in one COPY or executemany."""
    areas = sorted(Area.objects.filter(level=Area.Level.GRID)[:count], key=lambda area: str(area.pk))
    with change_context(Source.IMPORT, user=people.village_officer, request_id="req-bulk"):
        changelog.insert_entries(ChangeLogEntry.Kind.UPDATE, [(a, {"name": "old"}, {"name": a.name}) for a in areas])

    written = ChangeLogEntry.objects.filter(request_id="req-bulk").order_by("object_id")
    assert [(e.object_id, e.before, e.after, e.user, e.source, e.area_path) for e in written] == [
        (str(a.pk), {"name": "old"}, {"name": a.name}, people.village_officer, Source.IMPORT, a.path) for a in areas
    ]
