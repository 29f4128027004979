"""The duty roster from the spreadsheet offices keep: date | leader | leader's phone | staff | staff phones.

The area is the user's own when they keep one roster (a town's or county's office); a user over several
adds a column with the area's code, which the roster's export carries, so an exported roster imports again.
A row names its shift (全天 when blank); the same date and shift on the roster already is updated.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.imports import Column, Importer, Outcome, as_text
from fangkong.core.roles import Action
from fangkong.core.validators import normalise_phone
from fangkong.people.imports.shared import parse_date

from . import services
from .models import DUTY_LEVELS, DutyRoster

SHIFTS = {
    "": DutyRoster.Shift.FULL_DAY,
    "全天": DutyRoster.Shift.FULL_DAY,
    "24小时": DutyRoster.Shift.FULL_DAY,
    "full_day": DutyRoster.Shift.FULL_DAY,
    "24 hours": DutyRoster.Shift.FULL_DAY,
    "白班": DutyRoster.Shift.DAY,
    "日班": DutyRoster.Shift.DAY,
    "day": DutyRoster.Shift.DAY,
    "day shift": DutyRoster.Shift.DAY,
    "夜班": DutyRoster.Shift.NIGHT,
    "night": DutyRoster.Shift.NIGHT,
    "night shift": DutyRoster.Shift.NIGHT,
}


class RosterImporter(Importer):
    model = DutyRoster
    columns = [
        Column("date", ("日期", "date", "值班日期")),
        Column("leader_name", ("带班领导", "leader on duty", "值班领导", "带班领导姓名"), required=False),
        Column("leader_phone", ("带班领导电话", "leader's phone", "领导电话", "带班领导联系电话"), required=False),
        Column("staff_names", ("值班人员", "staff on duty", "值班人员姓名"), required=False),
        Column("staff_phones", ("值班人员电话", "staff phones", "值班人员联系电话"), required=False),
        Column("shift", ("班次", "shift"), required=False),
        Column("area", ("地区代码", "area code"), required=False),
    ]
    unique = ("area", "date", "shift")
    area_column = "area"
    filename = "duty-roster"

    def __init__(self, user):
        super().__init__(user)
        self.areas = {}

    def own_area(self):
        """The one area at the top of the user's scope when it keeps a roster; None otherwise."""
        if "" not in self.areas:
            tops = scope.top_areas(self.user, self.model.roles_by_action[Action.ADD])
            found = list(services.duty_areas(tops)[:2])
            self.areas[""] = found[0] if len(found) == 1 else None
        return self.areas[""]

    def area_of(self, code):
        if not code:
            area = self.own_area()
            if area is None:
                raise ValidationError(
                    {"area": _("name the town, county or city of the roster in a column 地区代码 (area code)")}
                )
            return area
        if code not in self.areas:
            self.areas[code] = Area.objects.filter(code=code, level__in=DUTY_LEVELS).first()
        if self.areas[code] is None:
            raise ValidationError({"area": _("no town, county or city has the code %(code)s") % {"code": code}})
        return self.areas[code]

    def clean_row(self, values):
        area = self.area_of(as_text(values["area"]))
        date = parse_date(values["date"], "date", future=True)
        shift = SHIFTS.get(as_text(values["shift"]).casefold())
        if shift is None:
            raise ValidationError({"shift": _("write 全天, 白班 or 夜班")})
        leader_name = as_text(values["leader_name"])
        if not leader_name:
            raise ValidationError({"leader_name": _("An empty day: %(date)s has no leader on duty.") % {"date": date}})
        leader_phone = as_text(values["leader_phone"])
        try:
            leader_phone = normalise_phone(leader_phone) if leader_phone else ""
        except ValidationError as error:
            raise ValidationError({"leader_phone": error.messages}) from None
        staff = services.parse_staff(as_text(values["staff_names"]), as_text(values["staff_phones"]))
        return {
            "area": area,
            "date": date,
            "shift": shift,
            "leader_name": leader_name,
            "leader_phone": leader_phone,
            "staff": staff,
        }

    def write_row(self, cleaned):
        roster = DutyRoster.objects.filter(area=cleaned["area"], date=cleaned["date"], shift=cleaned["shift"]).first()
        outcome = Outcome.UPDATED
        if roster is None:
            roster, outcome = (
                DutyRoster(area=cleaned["area"], date=cleaned["date"], shift=cleaned["shift"]),
                Outcome.CREATED,
            )
        values = {name: cleaned[name] for name in ("leader_name", "leader_phone", "staff")}
        if outcome == Outcome.UPDATED and all(getattr(roster, name) == value for name, value in values.items()):
            return Outcome.UNCHANGED
        for name, value in values.items():
            setattr(roster, name, value)
        services.save_roster(roster)
        return outcome
