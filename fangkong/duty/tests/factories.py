"""Duty records for tests, in the areas of fangkong.core.testing.make_tree()."""

import datetime

from django.utils import timezone

from fangkong.duty import services
from fangkong.duty.models import (
    DutyLogEntry,
    DutyRoster,
    PioneerPost,
    ResponsibilityZone,
    Volunteer,
    VolunteerShift,
    VolunteerTeam,
)


def make_roster(area, date=None, shift=DutyRoster.Shift.FULL_DAY, leader="王镇长", phone="13900000001", staff=()):
    roster = DutyRoster(
        area=area,
        date=date or services.duty_moment()[0],
        shift=shift,
        leader_name=leader,
        leader_phone=phone,
        staff=[{"name": name, "phone": number} for name, number in staff],
    )
    return services.save_roster(roster)


def make_log_entry(area, user=None, kind=DutyLogEntry.Kind.EVENT, text="县指挥部来电：加强卡口值守"):
    return services.write_log_entry(DutyLogEntry(area=area, kind=kind, text=text, time=timezone.now()), user)


def make_post(area, name="竹林关卡口先锋岗", holders=()):
    return services.save_holding(
        PioneerPost(area=area, organisation="竹林关村党支部", name=name, kind="checkpoint", place="竹林关收费站"),
        holders=list(holders),
    )


def make_zone(area, name="一组责任区", grids=(), households=(), holders=()):
    return services.save_holding(
        ResponsibilityZone(area=area, organisation="竹林关村党支部", name=name),
        grids=list(grids),
        households=list(households),
        holders=list(holders),
    )


def make_team(area, name="竹林关村志愿服务队"):
    team = VolunteerTeam(area=area, name=name, leader_name="李队长", leader_phone="13900000009")
    team.save()
    return team


def make_volunteer(team, name="赵志愿", phone="13700000001", status=Volunteer.Status.APPROVED):
    return services.save_volunteer(Volunteer(team=team, name=name, phone=phone, status=status))


def make_shift(team, volunteers=(), hours_from_now=1):
    start = timezone.now() + datetime.timedelta(hours=hours_from_now)
    shift = VolunteerShift(
        team=team, kind="checkpoint", place="竹林关收费站", starts_at=start, ends_at=start + datetime.timedelta(hours=4)
    )
    return services.save_shift(shift, list(volunteers))
