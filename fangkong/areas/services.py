"""Writes to the area tree: the division import, grid upkeep and risk areas, each in one transaction."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fangkong.core import changelog, imports
from fangkong.core.models import ChangeLogEntry, snapshot

from .models import Area, Division, RiskArea, short_name_for

DIVISION_COLUMNS = ("code", "name", "level", "parent_code")
CODE_LENGTHS = {Area.Level.CITY: 4, Area.Level.COUNTY: 6, Area.Level.TOWN: 9, Area.Level.VILLAGE: 12}
GRID_NUMBER_DIGITS = 3


class DivisionFileError(Exception):
    """A division file that cannot be imported; ``errors`` lists (row number, message)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(f"row {row}: {message}" if row else message for row, message in errors))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    special: list = field(default_factory=list)


def decode_text(data):
    try:
        return imports.decode(data)
    except imports.ImportFileError as error:
        raise DivisionFileError([(None, str(error))]) from error


def is_special_town_code(code):
    """NBS 'similar to town' units (reservoirs, forest farms, campuses) have 4xx in digits 7-9."""
    return len(code) == 9 and code[6] == "4"


def parse_division_file(data):
    text = decode_text(data)
    reader = csv.DictReader(io.StringIO(text))
    columns = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in DIVISION_COLUMNS if name not in columns]
    if missing:
        raise DivisionFileError(
            [
                (
                    1,
                    _("Missing columns: %(columns)s. Expected: %(expected)s.")
                    % {"columns": ", ".join(missing), "expected": ",".join(DIVISION_COLUMNS)},
                )
            ]
        )
    reader.fieldnames = columns
    return [
        (number, {key: (row.get(key) or "").strip() for key in DIVISION_COLUMNS})
        for number, row in enumerate(reader, start=2)
    ]


def _check_rows(rows, existing):
    """Every problem of the file at once, so the user fixes them in one go."""
    errors = []
    seen = {}
    levels = {code: area.level for code, area in existing.items()}
    parents = {code: area.parent.code if area.parent_id else None for code, area in existing.items()}
    for number, row in rows:
        code, name, level, parent_code = row["code"], row["name"], row["level"], row["parent_code"]
        problems = []
        if level not in CODE_LENGTHS:
            problems.append(_("unknown level '%(level)s' (expected city, county, town or village)") % {"level": level})
        elif not code.isdigit() or len(code) != CODE_LENGTHS[level]:
            problems.append(
                _("a %(level)s code has %(digits)d digits, '%(code)s' does not")
                % {"level": level, "digits": CODE_LENGTHS[level], "code": code}
            )
        if not name:
            problems.append(_("the name is empty"))
        if code in seen:
            problems.append(_("code %(code)s already appears in row %(row)d") % {"code": code, "row": seen[code]})
        if level in CODE_LENGTHS and not problems:
            expected_parent_level = Area.LEVEL_ORDER[Area.LEVEL_ORDER.index(level) - 1] if level != "city" else None
            parent_level = levels.get(parent_code)
            if level != Area.Level.CITY and parent_level is None:
                problems.append(
                    _("unknown parent %(parent)s (parents must come before their children)") % {"parent": parent_code}
                )
            elif level != Area.Level.CITY and parent_level != expected_parent_level:
                problems.append(
                    _("a %(level)s must be under a %(expected)s, but %(parent)s is a %(actual)s")
                    % {"level": level, "expected": expected_parent_level, "parent": parent_code, "actual": parent_level}
                )
            elif level != Area.Level.CITY and not code.startswith(parent_code):
                problems.append(
                    _("code %(code)s does not lie under its parent %(parent)s") % {"code": code, "parent": parent_code}
                )
            if code in existing and existing[code].level != level:
                problems.append(_("%(code)s is already a %(actual)s") % {"code": code, "actual": existing[code].level})
            elif code in existing and level != Area.Level.CITY and parents.get(code) != parent_code:
                problems.append(
                    _("%(code)s is already under %(old)s; moving areas is not done by import")
                    % {"code": code, "old": parents.get(code)}
                )
        if problems:
            errors.append((number, "; ".join(problems)))
        else:
            seen[code] = number
            levels[code] = level
    return errors


@transaction.atomic
def import_divisions(data):
    """Load an NBS-style code list (code,name,level,parent_code). Idempotent; all or nothing."""
    rows = parse_division_file(data)
    if not rows:
        raise DivisionFileError([(None, _("The file has no rows."))])
    existing = {area.code: area for area in Area.objects.select_related("parent")}
    errors = _check_rows(rows, existing)
    if errors:
        raise DivisionFileError(errors)
    result = ImportResult()
    by_code = dict(existing)
    created, updated, befores = [], [], {}
    for _number, row in rows:
        area = by_code.get(row["code"])
        if area is not None:
            # A short name made by an older rule is refreshed too: re-importing repairs it.
            if area.name == row["name"] and area.short_name == short_name_for(area.name):
                result.unchanged += 1
                continue
            befores[area.pk] = snapshot(area)
            area.name = row["name"]
            area.fill_derived()
            updated.append(area)
            continue
        parent = by_code.get(row["parent_code"])
        area = Area(code=row["code"], name=row["name"], level=row["level"], parent=parent)
        area.is_special = is_special_town_code(area.code) or bool(parent and parent.is_special)
        area.fill_derived()
        by_code[area.code] = area
        created.append(area)
    now = timezone.now()
    for area in created:
        area.created = area.last_updated = now
    for area in updated:
        area.last_updated = now  # bulk_update does not apply auto_now
    # Parents come first in the file; inserting level by level gives children their parent's id.
    for level in Area.LEVEL_ORDER:
        batch = [area for area in created if area.level == level]
        for area in batch:
            area.parent = by_code.get(area.parent.code) if area.parent else None
        Area.objects.bulk_create(batch, batch_size=1000)
    if updated:
        Area.objects.bulk_update(updated, ["name", "short_name", "pinyin", "initials", "last_updated"])
    changelog.record_many(created, ChangeLogEntry.Kind.CREATE)
    changelog.record_many(updated, ChangeLogEntry.Kind.UPDATE, befores)
    result.created, result.updated = len(created), len(updated)
    result.special = [area for area in created if area.level == Area.Level.TOWN and area.is_special]
    return result


def next_grid_code(village):
    """The village's 12 digits and the next 3-digit number; numbers of retired grids are never reused."""
    codes = Area.objects.filter(parent=village, level=Area.Level.GRID).values_list("code", flat=True)
    highest = max((int(code[-GRID_NUMBER_DIGITS:]) for code in codes), default=0)
    if highest >= 10**GRID_NUMBER_DIGITS - 1:
        raise ValidationError(_("This village has used all %(count)d grid numbers.") % {"count": 999})
    return f"{village.code}{highest + 1:0{GRID_NUMBER_DIGITS}d}"


def create_grid(village, name):
    if village.level != Area.Level.VILLAGE:
        raise ValidationError({"parent": _("Grids belong to a village or community.")})
    with transaction.atomic():
        # Lock the village so two officers adding grids at once do not take the same number.
        village = Area.objects.select_for_update().get(pk=village.pk)
        grid = Area(
            code=next_grid_code(village),
            name=name.strip(),
            level=Area.Level.GRID,
            parent=village,
            is_special=village.is_special,
        )
        grid.save()
    return grid


def retire_grid(grid):
    if grid.level != Area.Level.GRID:
        raise ValidationError(_("Only grids can be retired."))
    members = grid.memberships.count()
    if members:
        raise ValidationError(
            ngettext(
                "%(count)d person is still assigned to this grid. Move or remove them first.",
                "%(count)d people are still assigned to this grid. Move or remove them first.",
                members,
            )
            % {"count": members}
        )
    grid.retired_on = timezone.localdate()
    grid.save()
    return grid


def risk_area_for(division, on_date):
    """The risk area in force on the date that the division lies in (itself, its prefecture or province)."""
    return (
        RiskArea.objects.filter(division__code__in=Division.enclosing_codes(division.code), valid_from__lte=on_date)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on_date))
        .order_by("-level", "valid_from")
        .first()
    )


class RiskAreas:
    """Every risk area in memory, with the rule of ``risk_area_for``: for checking many arrivals at once."""

    def __init__(self):
        self.by_code = defaultdict(list)
        for risk in RiskArea.objects.select_related("division"):
            self.by_code[risk.division.code].append(risk)

    def find(self, division, on_date):
        candidates = [
            risk
            for code in Division.enclosing_codes(division.code)
            for risk in self.by_code.get(code, ())
            if risk.valid_from <= on_date and (risk.valid_until is None or risk.valid_until >= on_date)
        ]
        candidates.sort(key=lambda risk: (-risk.level, risk.valid_from))
        return candidates[0] if candidates else None


# Sent inside the transaction that saved a risk area, with the codes of the divisions it covered
# before and after the save; each receiver re-checks its own records and returns how many changed.
# The register (fangkong.people) re-checks its arrivals here: the area tree knows nothing of them.
risk_area_changed = Signal()


@transaction.atomic
def save_risk_area(risk_area):
    """Save a risk area, then have the records it concerns re-checked (``risk_area_changed``).
    Returns how many records changed."""
    previous = RiskArea.objects.filter(pk=risk_area.pk).select_related("division").first() if risk_area.pk else None
    risk_area.save()
    divisions = {risk_area.division.code} | ({previous.division.code} if previous else set())
    responses = risk_area_changed.send(sender=RiskArea, risk_area=risk_area, division_codes=divisions)
    return sum(changed for _receiver, changed in responses)


@transaction.atomic
def end_risk_area(risk_area, on_date=None):
    """A risk area is no longer one from today (or the given date) on: arrivals after it are not flagged."""
    on_date = on_date or timezone.localdate()
    if risk_area.valid_from > on_date:
        raise ValidationError(
            _("This risk area only starts on %(date)s: change its dates instead.") % {"date": risk_area.valid_from}
        )
    if risk_area.valid_until is None or risk_area.valid_until > on_date:
        risk_area.valid_until = on_date
        save_risk_area(risk_area)
    return risk_area
