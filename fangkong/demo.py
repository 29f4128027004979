"""A lived-in demo: 竹林关镇 with households, residents, arrivals, observations with their checks over the
last 30 days, and a case with its close contacts, so that a newcomer's first work list, lists and
reports show real figures and trends.

Everything is written through the product's services (the same rules, flags and alerts as a user's
entries), except the checks of past days, which the back-fill window refuses to anyone: those are
inserted as a phone would have sent them on the day. Every record is written under the change-log
request id ``DEMO_REQUEST_ID``: that marks it as demo data, and tells ``seed_lived_in`` that the demo
was seeded already (it runs once).
"""

import datetime
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.areas.models import Area, Division, RiskArea
from fangkong.areas.services import save_risk_area
from fangkong.core import bulk, changelog
from fangkong.core.context import Source, change_context
from fangkong.core.models import ChangeLogEntry
from fangkong.core.validators import id_check_character
from fangkong.health import services as observation
from fangkong.health.cases import services as cases
from fangkong.health.cases.models import Case, Classification, Contact, Facility, Sample, Transfer
from fangkong.health.models import Check, Episode, Reason
from fangkong.people.models import Arrival, Household, Person
from fangkong.people.services.arrivals import register_arrival_of
from fangkong.people.services.households import add_member, save_household
from fangkong.reports import services as reports

DEMO_REQUEST_ID = "demo-lived-in"
TOWN = "611022106"  # 竹林关镇
DAYS = 30
HOUSEHOLDS_PER_GRID = 4

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文玉兰红梅海燕志宏春晓东"
ORIGINS = ["4201", "6101", "4403", "3101", "5001"]  # 武汉市 (the demo's risk area), 西安, 深圳, 上海, 重庆


def was_seeded():
    return ChangeLogEntry.objects.filter(request_id=DEMO_REQUEST_ID).exists()


def seed_lived_in(today=None, rng=None):
    """Seed the demo town once; returns a short summary, or None when it was seeded already."""
    if was_seeded() or not Area.objects.filter(code=TOWN).exists():
        return None
    today = today or timezone.localdate()
    with change_context(Source.COMMAND, user=None, request_id=DEMO_REQUEST_ID), transaction.atomic():
        return _Seeder(today, rng or random.Random(2020)).run()


class _Seeder:
    def __init__(self, today, rng):
        self.today, self.rng = today, rng
        self.town = Area.objects.get(code=TOWN)
        self.officer = User.objects.get(username="zhulinguan_officer")
        self.county_officer = User.objects.get(username="danfeng_officer")
        self.doctor = User.objects.get(username="zlg_doctor")
        self.grids = list(
            Area.objects.filter(level=Area.Level.GRID, retired_on__isnull=True)
            .within(self.town)
            .select_related("parent")
            .order_by("code")
        )
        self.workers = {
            user.memberships.get().area.code: user
            for user in User.objects.filter(username__startswith="zlg_grid_worker")
        }
        self.serial = 0

    def run(self):
        households = self.residents()
        arrivals = self.arrivals()
        self.observations(arrivals)
        case = self.case(households)
        checks = self.checks()
        released = self.releases()
        self.fever_today()
        confirmed = self.reports()
        return (
            f"{len(households)} households, {Person.objects.within(self.town).count()} residents, "
            f"{len(arrivals)} arrivals, {Episode.objects.within(self.town).count()} observations "
            f"({released} released), {checks} checks, case {case}, {confirmed} daily reports confirmed"
        )

    # People

    def name(self):
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))

    def id_number(self, born, male):
        self.serial += 1
        first17 = f"{TOWN[:6]}{born:%Y%m%d}{self.serial % 500 * 2 + (1 if male else 0):03d}"
        return first17 + id_check_character(first17)

    def born(self, youngest=1, oldest=85):
        return self.today - datetime.timedelta(days=self.rng.randint(youngest * 365, oldest * 365))

    def phone(self):
        return f"13{self.rng.randint(0, 9)}{self.rng.randint(10_000_000, 99_999_999)}"

    def residents(self):
        households = []
        for grid in self.grids:
            for number in range(1, HOUSEHOLDS_PER_GRID + 1):
                group = grid.name.rstrip("网格") or grid.name
                household = save_household(
                    Household(area=grid, address=f"{grid.parent.name}{group}组 {number} 号", phone=self.phone())
                )
                for member in range(self.rng.randint(2, 4)):
                    male = self.rng.random() < 0.5
                    born = self.born(18, 80) if member == 0 else self.born()
                    person, _created = add_member(
                        household,
                        self.officer,
                        self.name(),
                        id_number=self.id_number(born, male),
                        phone=self.phone() if member == 0 else "",
                    )
                    if member == 0:
                        household.head = person
                save_household(household)
                households.append(household)
        return households

    # Arrivals and their observation

    def arrivals(self):
        """About two arrivals a day over the last 30 days, from a risk area (武汉市, declared 45 days
        ago for the demo) one time in three."""
        wuhan = Division.objects.get(code=ORIGINS[0])
        if not RiskArea.objects.filter(division=wuhan).exists():
            save_risk_area(
                RiskArea(division=wuhan, valid_from=self.today - datetime.timedelta(days=45), note="演示数据")
            )
        arrivals = []
        for days_ago in range(DAYS, -1, -1):
            for _index in range(self.rng.choice((1, 2, 2, 3))):
                code = self.rng.choice(ORIGINS[:1] * 2 + ORIGINS)
                grid = self.rng.choice(self.grids)
                male = self.rng.random() < 0.5
                arrival = Arrival(
                    area=grid,
                    origin=Division.objects.get(code=code),
                    arrived_on=self.today - datetime.timedelta(days=days_ago),
                    transport=self.rng.choice(Arrival.Transport.values),
                    address=f"{grid.parent.name}{grid.name}",
                    reason="返乡",
                )
                registered = register_arrival_of(
                    self.officer, arrival, self.name(), self.id_number(self.born(18, 60), male), self.phone()
                )
                arrivals.append(registered.arrival)
        return arrivals

    def observations(self, arrivals):
        for arrival in arrivals:
            if arrival.risk_area_id is not None:
                episode = Episode(person=arrival.person, reason=Reason.RISK_AREA_ARRIVAL, start_on=arrival.arrived_on)
                observation.open_episode(episode, self.officer)

    def case(self, households):
        """A person of 竹林关村 back from the risk area 12 days ago had a fever 8 days ago, was taken to the
        county hospital and confirmed; their household and a neighbour are close contacts."""
        village_grids = [grid for grid in self.grids if grid.parent.code == "611022106200"] or self.grids
        household = next(h for h in households if h.area in village_grids)
        patient = household.head
        arrived = self.today - datetime.timedelta(days=12)
        register_arrival_of(
            self.officer,
            Arrival(area=household.area, origin=Division.objects.get(code=ORIGINS[0]), arrived_on=arrived),
            patient.name,
            patient.id_number,
        )
        observation.open_episode(
            Episode(person=patient, reason=Reason.RISK_AREA_ARRIVAL, start_on=arrived), self.officer
        )
        fever_day = self.today - datetime.timedelta(days=8)
        episode = Episode.objects.open().get(person=patient)
        self.insert_checks([self.check(episode, fever_day, 8, Decimal("38.6"))])
        county = Area.objects.get(code=TOWN[:6])
        facility = Facility.objects.filter(area=county).first() or Facility.objects.create(
            area=county,
            name="丹凤县人民医院",
            kind=Facility.Kind.HOSPITAL,
            address="丹凤县龙驹寨街道",
            phone="0914-3321120",
        )
        transfer = cases.transfer(
            Transfer(
                person=patient,
                facility=facility,
                transferred_at=self.moment(fever_day, 10),
                vehicle="陕H·12120 负压救护车",
                escort="孙村医",
            ),
            self.doctor,
        )
        cases.record_result(transfer, Transfer.Result.CONFIRMED, self.county_officer)
        diagnosed = self.moment(fever_day + datetime.timedelta(days=1), 9)
        case = cases.report_case(
            Case(
                person=patient,
                classification=Classification.CONFIRMED,
                onset_on=fever_day,
                diagnosed_at=diagnosed,
                reported_at=diagnosed + datetime.timedelta(minutes=50),
            ),
            self.county_officer,
        )
        contacts = [member for member in household.members.all() if member != patient]
        neighbour = next(h for h in households if h.area == household.area and h != household).head
        for person, setting in [(member, Contact.Setting.HOUSEHOLD) for member in contacts] + [
            (neighbour, Contact.Setting.OTHER)
        ]:
            contact = cases.record_contact(
                Contact(person=person, source_case=case, setting=setting, last_contact_on=fever_day),
                self.county_officer,
                today=self.today,
            )
            Sample.objects.create(
                person=person,
                episode=contact.episode,
                area=person.area,
                taken_on=fever_day + datetime.timedelta(days=1),
                result=Sample.Result.NEGATIVE,
                result_on=fever_day + datetime.timedelta(days=2),
            )
        return case

    # Checks

    def moment(self, day, hour, minute=0):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def check(self, episode, day, hour, temperature):
        taken_at = self.moment(day, hour, self.rng.randint(0, 50))
        protocol, person = episode.protocol, episode.person
        return Check(
            key=f"demo-{uuid.uuid4().hex}",
            person=person,
            episode=episode,
            area=person.area,
            taken_at=taken_at,
            taken_on=day,
            window=protocol.window_of(timezone.localtime(taken_at).time()),
            temperature=temperature,
            symptoms=[],
            is_fever=protocol.is_fever(temperature, []),
            recorded_by=self.workers.get(person.area.code),
        )

    def checks(self):
        """Twice a day for every observation up to yesterday (and this morning's, once past), one in
        twenty-five missed; normal temperatures."""
        now = timezone.localtime()
        made = []
        episodes = Episode.objects.within(self.town).select_related("person__area", "protocol")
        taken = set(Check.objects.filter(episode__in=episodes).values_list("episode_id", "taken_on", "window"))
        for episode in episodes:
            last = min(episode.ended_on or self.today, episode.planned_end_on, self.today)
            day = episode.start_on
            while day <= last:
                for window, hour in ((Check.Window.MORNING, 8), (Check.Window.EVENING, 18)):
                    due = day < self.today or now.hour >= hour + 1
                    if due and (episode.pk, day, window) not in taken and self.rng.random() > 0.04:
                        temperature = Decimal(str(round(self.rng.uniform(36.1, 37.1), 1)))
                        made.append(self.check(episode, day, hour, temperature))
                day += datetime.timedelta(days=1)
        self.insert_checks(made)
        return len(made)

    def insert_checks(self, checks):
        bulk.insert(checks)
        changelog.record_many(checks, ChangeLogEntry.Kind.CREATE)

    def releases(self):
        """Observations past their planned end are released on that day, as their officer would have."""
        released = 0
        for episode in Episode.objects.within(self.town).open().filter(planned_end_on__lt=self.today):
            observation.release(episode, today=episode.planned_end_on)
            released += 1
        return released

    def fever_today(self):
        """One person under observation in 竹林关村 has a fever this morning: the doctor's inbox has its alert."""
        episode = (
            Episode.objects.open()
            .filter(area__parent__code="611022106200")
            .select_related("person", "area")
            .order_by("reason", "pk")  # "close_contact" sorts first: one of the case's contacts, always in 竹林关村
            .first()
        )
        if episode is None:
            return
        taken_at = min(timezone.now(), self.moment(self.today, 8, 30))
        check = Check(
            key=f"demo-{uuid.uuid4().hex}",
            person=episode.person,
            taken_at=taken_at,
            temperature=Decimal("38.3"),
            symptoms=[],
            source=Check.Source.WORKER,
        )
        observation.record_check(check, self.workers.get(episode.area.code))

    def reports(self):
        """The villages' daily reports of the past days, confirmed as villages do: most by the 16:00
        deadline with a remark now and then, some late, a few never (the town's table shows them)."""
        confirmed = 0
        villages = sorted({grid.parent for grid in self.grids}, key=lambda village: village.code)
        for days_ago in range(DAYS - 1, 0, -1):
            day = self.today - datetime.timedelta(days=days_ago)
            for village in villages:
                draw = self.rng.random()
                if draw < 0.05:
                    continue
                hour = 15 if draw < 0.9 else 18
                remarks = self.rng.choice(["", "", "", "无异常", "已完成全覆盖排查", "返乡人员均已登记"])
                reports.confirm(
                    village, day, None, remarks=remarks, now=self.moment(day, hour, self.rng.randint(0, 59))
                )
                confirmed += 1
        return confirmed
