"""One table per list: the page and its xlsx/CSV export. Volunteers' phones are masked as the register's."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import mask_phone
from fangkong.core.tables import BaseTable

from .models import (
    DutyLogEntry,
    DutyRoster,
    MissingRoster,
    PioneerPost,
    ResponsibilityZone,
    Volunteer,
    VolunteerShift,
    VolunteerTeam,
)


def local_time(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def names(values):
    return "、".join(str(value) for value in values)


def hours(minutes):
    return f"{(minutes or 0) / 60:.1f}"


class RosterTable(BaseTable):
    """The columns offices use (date | leader | leader phone | staff | staff phones), with the area and its code
    so that an exported roster imports again as it is."""

    date = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d", linkify=True)
    shift = tables.Column(verbose_name=_("Shift"))
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    area_code = tables.Column(verbose_name=_("Area code"), accessor="area__code", orderable=False)
    leader_name = tables.Column(verbose_name=_("Leader on duty"))
    leader_phone = tables.Column(verbose_name=_("Leader's phone"))
    staff_names = tables.Column(verbose_name=_("Staff on duty"), orderable=False, default="")
    staff_phones = tables.Column(verbose_name=_("Staff phones"), orderable=False, default="")

    class Meta(BaseTable.Meta):
        model = DutyRoster
        fields = ("date", "shift", "area", "area_code", "leader_name", "leader_phone", "staff_names", "staff_phones")


class MissingRosterTable(BaseTable):
    date = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d")
    area = tables.Column(
        verbose_name=_("Area"), order_by="area_path", linkify=("duty:area", {"code": tables.A("area__code")})
    )
    flagged_at = tables.Column(verbose_name=_("Flagged at"))

    class Meta(BaseTable.Meta):
        model = MissingRoster
        fields = ("date", "area", "flagged_at")

    def render_flagged_at(self, value):
        return local_time(value)


class LogTable(BaseTable):
    time = tables.Column(verbose_name=_("Time"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    kind = tables.Column(verbose_name=_("Kind"))
    counterpart = tables.Column(verbose_name=_("From or to"))
    text = tables.Column(verbose_name=_("Text"))
    author = tables.Column(verbose_name=_("Written by"), default="—")
    acknowledged_at = tables.Column(verbose_name=_("Acknowledged at"), default="")

    class Meta(BaseTable.Meta):
        model = DutyLogEntry
        fields = ("time", "area", "kind", "counterpart", "text", "author", "acknowledged_at")

    def render_time(self, value):
        return local_time(value)

    def render_acknowledged_at(self, value):
        return local_time(value)

    def value_author(self, value):
        return str(value) if value else ""


class PostTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    organisation = tables.Column(verbose_name=_("Party organisation"))
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    kind = tables.Column(verbose_name=_("Kind"))
    place = tables.Column(verbose_name=_("Place"))
    members = tables.Column(verbose_name=_("Party members"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = PioneerPost
        fields = ("name", "organisation", "area", "kind", "place", "members")

    def render_members(self, record):
        return names([*record.holders.all(), *record.person_holders.all()]) or "—"

    def value_members(self, record):
        return names([*record.holders.all(), *record.person_holders.all()])


class ZoneTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    organisation = tables.Column(verbose_name=_("Party organisation"))
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    grids = tables.Column(verbose_name=_("Grids"), accessor="pk", orderable=False)
    households = tables.Column(verbose_name=_("Households"), accessor="pk", orderable=False)
    members = tables.Column(verbose_name=_("Party members"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = ResponsibilityZone
        fields = ("name", "organisation", "area", "grids", "households", "members")

    def render_grids(self, record):
        return names(grid.label() for grid in record.grids.all()) or "—"

    def value_grids(self, record):
        return names(grid.label() for grid in record.grids.all())

    def render_households(self, record):
        return len(record.households.all())

    def value_households(self, record):
        return len(record.households.all())

    def render_members(self, record):
        return names([*record.holders.all(), *record.person_holders.all()]) or "—"

    def value_members(self, record):
        return names([*record.holders.all(), *record.person_holders.all()])


class TeamTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    leader_name = tables.Column(verbose_name=_("Team leader"))
    volunteer_count = tables.Column(verbose_name=_("Volunteers"))
    minutes = tables.Column(verbose_name=_("Hours"))

    class Meta(BaseTable.Meta):
        model = VolunteerTeam
        fields = ("name", "area", "leader_name", "volunteer_count", "minutes")

    def render_minutes(self, value):
        return hours(value)

    def value_minutes(self, value):
        return hours(value)


class VolunteerTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    team = tables.Column(verbose_name=_("Team"))
    phone = tables.Column(verbose_name=_("Phone"))
    skills = tables.Column(verbose_name=_("Skills"))
    availability = tables.Column(verbose_name=_("Availability"))
    status = tables.Column(verbose_name=_("Status"))
    minutes = tables.Column(verbose_name=_("Hours"))

    class Meta(BaseTable.Meta):
        model = Volunteer
        fields = ("name", "team", "phone", "skills", "availability", "status", "minutes")

    def render_phone(self, value):
        return mask_phone(value)

    def value_phone(self, value):
        return mask_phone(value)

    def render_minutes(self, value):
        return hours(value)

    def value_minutes(self, value):
        return hours(value)


class ShiftTable(BaseTable):
    starts_at = tables.Column(verbose_name=_("Starts at"), linkify=True)
    ends_at = tables.Column(verbose_name=_("Ends at"))
    kind = tables.Column(verbose_name=_("Kind"))
    place = tables.Column(verbose_name=_("Place"))
    team = tables.Column(verbose_name=_("Team"))
    volunteer_count = tables.Column(verbose_name=_("Volunteers"))

    class Meta(BaseTable.Meta):
        model = VolunteerShift
        fields = ("starts_at", "ends_at", "kind", "place", "team", "volunteer_count")

    def render_starts_at(self, value):
        return local_time(value)

    def render_ends_at(self, value):
        return local_time(value)
