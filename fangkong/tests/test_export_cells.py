"""Every list's export gives, cell for cell, what django-tables2 itself gives for its table.

core.exports reads cells through ``cell_reader`` (worked out once per column) instead of
``BoundRow.get_cell_value`` (worked out for every cell); this checks the two agree on every list view
of the product, on records with choices, relations, masked numbers, tags, booleans and dates; and that
a long list exported by a background job is the same file as a short one streamed at once.
"""

import datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fangkong.areas.models import Division, RiskArea
from fangkong.checkpoints.models import CheckpointShift
from fangkong.checkpoints.tests.factories import make_checkpoint, make_passage, make_traveller
from fangkong.core.exports import export_columns, iter_rows, plain
from fangkong.core.models import Job
from fangkong.core.views import ObjectListView
from fangkong.health.cases.tests.factories import (
    make_case,
    make_contact,
    make_disinfection,
    make_facility,
    make_sample,
    make_transfer,
)
from fangkong.health.sites.tests.factories import make_site
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people import services
from fangkong.people.models import Arrival, KeyPersonTag, ScreeningRound
from fangkong.people.tests.factories import id_number, make_household, make_person
from fangkong.reports.models import ReportForm
from fangkong.supplies.models import MoveKind, Store
from fangkong.supplies.tests.factories import make_donation, make_store, move


def list_views():
    """(URL name, view class) of every list view that needs no URL arguments."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groupindex:
                view_class = getattr(pattern.callback, "view_class", None)
                if view_class and issubclass(view_class, ObjectListView):
                    found.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, view_class))

    walk(get_resolver().url_patterns, None)
    return found


@pytest.fixture
def register(tree, people):
    """A little of everything the lists show."""
    household = make_household(tree.grid, "竹林关村一组 1 号", phone="13912345678", responsible=people.grid_worker)
    flagged = make_person(tree.grid, "张三", id_number(), household=household, phone="13800001111")
    flagged.tags.add(KeyPersonTag.objects.get(code=KeyPersonTag.CLOSE_CONTACT))  # fever: on the arrival
    make_person(tree.grid2, "李四", birth_date=datetime.date(1950, 5, 1))
    wuhan = Division.objects.get(code="4201")
    RiskArea.objects.create(division=wuhan, valid_from=datetime.date(2020, 1, 1))
    arrival = Arrival(
        person=flagged,
        area=tree.grid,
        origin=Division.objects.get(code="420102"),
        arrived_on=datetime.date(2020, 1, 20),
        transport=Arrival.Transport.TRAIN,
        fever=True,
    )
    services.register_arrival(arrival, people.city_commander)
    ScreeningRound(area=tree.village, title="第一轮", deadline=datetime.date(2020, 2, 10)).save()
    services.reveal_id_number(flagged, people.village_officer)
    services.find_by_id_number(id_number(), people.grid_worker)  # an exact look-up that found nobody
    observed = make_episode(make_person(tree.grid, "王五", id_number()), days_ago=3)
    make_check(observed, temperature=Decimal("37.6"), symptoms=["dry_cough"])
    make_disinfection(observed)
    make_sample(observed.person)
    make_transfer(make_person(tree.grid2, "赵六", id_number()), make_facility(tree.county))
    make_contact(make_person(tree.grid, "钱七", id_number()), source_case=make_case(area=tree.grid))
    site = make_site(tree.town)
    make_episode(make_person(tree.grid, "孙八", id_number()), site=site, room=site.rooms.first())
    ReportForm.objects.create(area=tree.town, name="竹林关镇疫情防控日报表", signer="=HYPERLINK(1)")
    make_duty_records(tree, people)
    town_store = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    make_donation(tree.town, "秦岭制药", named=True, store=town_store, goods=[("mask-n95", 500)])
    move(town_store, MoveKind.PURCHASE, 100, item_code="gloves", supplier="医药公司", unit_price=Decimal("0.80"))
    move(town_store, MoveKind.ISSUED_STORE, 200, to_store=make_store(tree.village, "竹林关村物资室"))
    make_market_records(tree)
    make_community_records(tree, people)


def make_market_records(tree):
    """A market inspected a week ago and today, with a jump in the price of pork and an open problem."""
    from fangkong.supplies.markets.tests.factories import inspect, make_market

    market = make_market(tree.village, "=竹林关农贸市场")
    inspect(market, prices=[("pork", 20)], days_ago=7)
    inspect(market, prices=[("pork", 32), ("rice", "2.60")], problems=[("活禽未隔离", 3)])


def make_community_records(tree, people):
    """A household in difficulty with a need; a notice relayed in a grid; a refutation; an answer."""
    from fangkong.community.tests.factories_help import make_need
    from fangkong.community.tests.factories_publicity import make_notice, make_question, make_rumour, relay

    household = make_household(tree.grid, "竹林关村三组 8 号", phone="13912340000")
    household.low_income = household.elderly_alone = True
    household.save()
    make_need(household, description="=买米和油")
    relay(make_notice(tree.village, title="-春节期间不走亲访友"), tree.grid, people.grid_worker)
    make_rumour(tree.village)
    make_question(tree.village)


def make_duty_records(tree, people):
    """A roster, a flag, a log entry, a post, a zone, a team with a volunteer on a worked shift."""
    from fangkong.duty import services as duty
    from fangkong.duty.models import MissingRoster
    from fangkong.duty.tests.factories import (
        make_log_entry,
        make_post,
        make_roster,
        make_shift,
        make_team,
        make_volunteer,
        make_zone,
    )

    make_roster(tree.town, staff=[("刘干事", "13900000004")])
    MissingRoster(area=tree.county, date=datetime.date(2020, 2, 2)).save()
    make_log_entry(tree.town, people.town_officer)
    people.grid_worker.party_member = True
    people.grid_worker.save()
    make_post(tree.village, holders=[people.grid_worker])
    make_zone(tree.village, grids=[tree.grid], holders=[people.grid_worker])
    team = make_team(tree.village)
    volunteer = make_volunteer(team, phone="13712345678")
    assignment = duty.assignment_of(make_shift(team, [volunteer]), volunteer.pk)
    duty.check_out(duty.check_in(assignment))
    checkpoint = make_checkpoint(tree.town)
    start = datetime.datetime(2020, 2, 1, 8, tzinfo=datetime.UTC)
    shift = CheckpointShift(checkpoint=checkpoint, starts_at=start, ends_at=start + datetime.timedelta(hours=8))
    shift.save()
    shift.staff.add(people.grid_worker)
    make_passage(
        checkpoint,
        [
            make_traveller("孙八", destination=tree.village, temperature=Decimal("38.3"), phone="13900002222"),
            make_traveller("周九", destination_text="西安市雁塔区", decision="turned_back", reason="无通行证"),
        ],
    )


@pytest.mark.parametrize(("url_name", "view_class"), list_views(), ids=[name for name, _view in list_views()])
def test_export_cells_match_the_table(register, people, url_name, view_class):
    request = RequestFactory().get(reverse(url_name))
    request.user = people.city_commander
    view = view_class()
    view.setup(request)
    queryset = view.get_queryset()
    assert queryset.exists(), f"{url_name}: no records to compare"
    table_class = view.table_class
    names = [name for name, _header in export_columns(table_class)]
    table = table_class(queryset.order_by("pk"))
    expected = [[plain(row.get_cell_value(name)) for name in names] for row in table.rows]
    assert list(iter_rows(queryset, table_class)) == expected


@pytest.mark.parametrize(("url_name", "view_class"), list_views(), ids=[name for name, _view in list_views()])
def test_a_long_export_is_the_same_file_from_a_job(
    client, register, people, settings, tmp_path, run_jobs, url_name, view_class
):
    settings.JOBS_DIR = tmp_path
    client.force_login(people.city_commander)
    url = reverse(url_name)
    at_once = b"".join(client.get(url, {"export": "csv"}).streaming_content)
    settings.EXPORT_BACKGROUND_ROWS = 0
    started = client.get(url, {"export": "csv"})
    job = Job.objects.get(user=people.city_commander, kind="export")
    assert started["Location"] == job.get_absolute_url() and job.status == Job.Status.DONE, job.error
    download = client.get(reverse("job-download", args=[job.pk]))
    assert b"".join(download.streaming_content) == at_once
    assert download["Content-Disposition"].startswith(f'attachment; filename="{view_class.model._meta.model_name}-')
