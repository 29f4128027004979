"""Demo grids: every real village gets 3 to 6 grids, the same ones on every machine."""

from django.db import transaction
from django.utils import timezone

from fangkong.core import changelog
from fangkong.core.models import ChangeLogEntry

from .models import Area

GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格"]


def grid_count_for(village_code):
    return 3 + int(village_code) % 4


@transaction.atomic
def create_demo_grids():
    """Grids for villages that have none yet; returns how many were made."""
    villages = Area.objects.filter(level=Area.Level.VILLAGE, is_special=False).exclude(children__isnull=False)
    now = timezone.now()
    grids = []
    for village in villages:
        for number in range(1, grid_count_for(village.code) + 1):
            grid = Area(
                code=f"{village.code}{number:03d}",
                name=GRID_NAMES[number - 1],
                level=Area.Level.GRID,
                parent=village,
                created=now,
                last_updated=now,
            )
            grid.fill_derived()
            grids.append(grid)
    Area.objects.bulk_create(grids, batch_size=2000)
    changelog.record_many(grids, ChangeLogEntry.Kind.CREATE)
    return len(grids)
