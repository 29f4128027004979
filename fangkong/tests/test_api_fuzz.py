"""Schemathesis over the whole OpenAPI schema: no request answers 5xx, every answer is the one the schema describes.

Every operation is called as a city commander and as a grid worker, with a bounded number of generated
requests (valid and invalid), derandomised so that CI sees the same requests on every run. The data is a
small register in the test tree, and about half of the generated record ids and codes are swapped for
real ones, so that details, edits and lookups reach real rows and not only 404.
"""

import datetime
import os
import zlib
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fangkong.accounts.services import issue_token
from fangkong.areas.models import Division, RiskArea
from fangkong.checkpoints.models import CheckpointShift
from fangkong.checkpoints.tests.factories import make_checkpoint, make_passage, make_traveller
from fangkong.core.testing import make_people
from fangkong.health.cases.tests.factories import (
    make_case,
    make_contact,
    make_disinfection,
    make_facility,
    make_sample,
    make_transfer,
)
from fangkong.health.models import Protocol
from fangkong.health.sites.tests.factories import make_site
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people import services
from fangkong.people.models import Arrival, KeyPersonTag, ScreeningRound, ScreeningVisit
from fangkong.people.tests.factories import id_number, make_household, make_person
from fangkong.supplies.models import Item, MoveKind, Store
from fangkong.supplies.tests import factories as supplies

# Generated requests per operation and user. API_FUZZ_EXAMPLES=200 digs deeper by hand; CI keeps 20.
EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", 20))

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20200123,
        "suppress-health-check": ["all"],  # slow or filtered generation must not fail CI: only the checks do
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
        },
        # Explicit examples of the schema, then generated requests; no coverage phase (hundreds of
        # boundary requests per operation) and no stateful phase (links are not described).
        "phases": {
            "examples": {"enabled": True},
            "fuzzing": {"enabled": True},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True), config=CONFIG)
application = get_wsgi_application()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def build_register(tree, people):
    """A few records of every kind in 竹林关村, keyed by the path parameter that names them."""
    household = make_household(tree.grid, "竹林关村一组 3 号")
    person = make_person(tree.grid, name="王芳", number=id_number(), household=household, phone="13812345678")
    make_person(tree.grid2, name="李强", number=id_number(male=False))
    arrival = Arrival(
        person=person,
        area=tree.grid,
        origin=Division.objects.get(code="420102"),
        arrived_on=datetime.date.today() - datetime.timedelta(days=3),
    )
    services.register_arrival(arrival, None)
    risk_area = RiskArea.objects.create(
        division=Division.objects.get(code="4201"), valid_from=datetime.date.today() - datetime.timedelta(days=30)
    )
    screening_round = ScreeningRound(
        area=tree.village, title="第一轮排查", deadline=datetime.date.today() + datetime.timedelta(days=3)
    )
    screening_round.save()
    visit = ScreeningVisit(round=screening_round, household=household, area=household.area)
    visit.save()
    # The neighbouring county asks for someone of the grid: both users see the request.
    move = services.request_move(make_person(tree.grid, number=id_number()), tree.other_grid, people.outsider)
    episode = make_episode(make_person(tree.grid, name="赵敏", number=id_number()), days_ago=14)
    check = make_check(episode)
    alert = make_check(episode, temperature=Decimal("38.6")).alerts.get()
    facility = make_facility(tree.county)
    transfer = make_transfer(make_person(tree.grid, number=id_number()), facility)
    case = make_case(area=tree.grid)
    contact = make_contact(make_person(tree.grid, number=id_number()), source_case=case)
    sample = make_sample(episode.person)
    disinfection = make_disinfection(episode)
    checkpoint = make_checkpoint(tree.town)
    shift = CheckpointShift(
        checkpoint=checkpoint,
        starts_at=datetime.datetime.now(datetime.UTC),
        ends_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=8),
    )
    shift.save()
    passage = make_passage(checkpoint, [make_traveller(destination=tree.village, temperature=Decimal("38.2"))])
    handover = passage.travellers.get().handover
    site = make_site(tree.town)
    placed = make_episode(make_person(tree.grid, number=id_number()), site=site, room=site.rooms.first())
    town_store = supplies.make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    donation = supplies.make_donation(tree.town, "秦岭制药", named=True, store=town_store, goods=[("mask-n95", 500)])
    village_store = supplies.make_store(tree.village, "竹林关村物资室")
    issue = supplies.move(town_store, MoveKind.ISSUED_STORE, 200, to_store=village_store)
    duty = build_duty(tree, people)
    from fangkong.community.tests.factories_help import make_need

    need = make_need(household)
    return {
        **duty,
        "/api/needs/{id}/": need.pk,
        "/api/needs/{id}/assign/": need.pk,
        "/api/needs/{id}/deliver/": need.pk,
        "/api/needs/{id}/confirm/": need.pk,
        **build_publicity(tree, people),
        "/api/items/{id}/": Item.objects.get(code="gloves").pk,
        "/api/stores/{id}/": town_store.pk,
        "/api/stock-moves/{id}/": issue.pk,
        "/api/stock/{id}/": town_store.stocks.get().pk,
        "/api/allocations/{id}/": issue.line.allocation_id,
        "/api/allocations/{id}/confirm/": issue.line.allocation_id,
        "/api/donations/{id}/": donation.pk,
        "/api/sites/{id}/": site.pk,
        "/api/episodes/{id}/move-site/": placed.pk,
        "/api/checkpoints/{id}/": checkpoint.pk,
        "/api/checkpoint-shifts/{id}/": shift.pk,
        "/api/passages/{id}/": passage.pk,
        "/api/handovers/{id}/": handover.pk,
        "/api/handovers/{id}/accept/": handover.pk,
        "/api/handovers/{id}/not-arrived/": handover.pk,
        "/api/alerts/{id}/": alert.pk,
        "/api/alerts/{id}/acknowledge/": alert.pk,
        "/api/alerts/{id}/resolve/": alert.pk,
        "/api/tests/{id}/": sample.pk,
        "/api/disinfections/{id}/": disinfection.pk,
        "/api/facilities/{id}/": facility.pk,
        "/api/transfers/{id}/": transfer.pk,
        "/api/transfers/{id}/result/": transfer.pk,
        "/api/cases/{id}/": case.pk,
        "/api/cases/{id}/classify/": case.pk,
        "/api/contacts/{id}/": contact.pk,
        "/api/areas/{code}/": tree.grid.code,
        "/api/arrivals/{id}/": arrival.pk,
        "/api/checks/{id}/": check.pk,
        "/api/divisions/{code}/": "420102",
        "/api/episodes/{id}/": episode.pk,
        "/api/episodes/{id}/move-end/": episode.pk,
        "/api/episodes/{id}/release/": episode.pk,
        "/api/households/{id}/": household.pk,
        "/api/memberships/{id}/": people.grid_worker.memberships.get().pk,
        "/api/move-requests/{id}/": move.pk,
        "/api/move-requests/{id}/decide/": move.pk,
        "/api/people/{id}/": person.pk,
        "/api/people/{id}/reveal/": person.pk,
        "/api/protocols/{id}/": Protocol.objects.get().pk,
        "/api/risk-areas/{id}/": risk_area.pk,
        "/api/self-report-links/{id}/": household.pk,
        "/api/self-report-links/{id}/reissue/": household.pk,
        "/api/self-report-links/{id}/revoke/": household.pk,
        "/api/screening-rounds/{id}/": screening_round.pk,
        "/api/screening-visits/{id}/": visit.pk,
        "/api/tags/{code}/": KeyPersonTag.FEVER,
        "/api/users/{id}/": people.grid_worker.pk,
        "/api/worklist/{id}/disinfected/": episode.pk,
        "/api/worklist/{id}/sampled/": episode.pk,
        "/api/changelog/{id}/": None,  # filled in by the caller: the register's own change log
    }


def build_duty(tree, people):
    """A roster, a log entry, a post, a zone, a team with an approved volunteer on a shift."""
    from fangkong.duty.tests.factories import (
        make_log_entry,
        make_post,
        make_roster,
        make_shift,
        make_team,
        make_volunteer,
        make_zone,
    )

    roster = make_roster(tree.town)
    entry = make_log_entry(tree.town, people.town_officer)
    post = make_post(tree.village)
    zone = make_zone(tree.village, grids=[tree.grid])
    team = make_team(tree.village)
    volunteer = make_volunteer(team)
    shift = make_shift(team, [volunteer])
    return {
        "/api/duty-rosters/{id}/": roster.pk,
        "/api/duty-log/{id}/": entry.pk,
        "/api/duty-log/{id}/acknowledge/": entry.pk,
        "/api/posts/{id}/": post.pk,
        "/api/zones/{id}/": zone.pk,
        "/api/volunteer-teams/{id}/": team.pk,
        "/api/volunteers/{id}/": volunteer.pk,
        "/api/volunteer-shifts/{id}/": shift.pk,
        "/api/volunteer-shifts/{id}/check-in/": shift.pk,
        "/api/volunteer-shifts/{id}/check-out/": shift.pk,
    }


def build_publicity(tree, people):
    """A notice of the town marked relayed in the first grid, a refutation and an answer of the village."""
    from fangkong.community.tests.factories_publicity import make_notice, make_question, make_rumour, relay

    notice = make_notice(tree.town)
    relay(notice, tree.grid, people.grid_worker)
    return {
        "/api/notices/{id}/": notice.pk,
        "/api/notices/{id}/relayed/": notice.pk,
        "/api/notices/{id}/coverage/": notice.pk,
        "/api/rumours/{id}/": make_rumour(tree.village).pk,
        "/api/questions/{id}/": make_question(tree.village).pk,
    }


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request's end must not close the connection that holds the test's
    transaction (the WSGI handler would, and PostgreSQL would then lose the test database's rows)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def register(tree):
    from fangkong.core.models import ChangeLogEntry

    people = make_people(tree)
    rows = build_register(tree, people)
    rows["/api/changelog/{id}/"] = ChangeLogEntry.objects.order_by("pk").values_list("pk", flat=True).last()
    tokens = {who: issue_token(getattr(people, who)).key for who in ("city_commander", "grid_worker")}
    return rows, tokens


def aim_at_real_rows(case, rows):
    """Swap about half of the generated ids and codes for a real one, chosen by the generated value itself."""
    real = rows.get(case.operation.path)
    if real is None or not case.path_parameters:
        return
    for name, value in case.path_parameters.items():
        if zlib.crc32(repr(value).encode()) % 2 == 0:
            case.path_parameters[name] = real


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["city_commander", "grid_worker"])
@schema.parametrize()
def test_every_operation_answers_as_its_schema_says(case, who, register, keep_connection):
    rows, tokens = register
    aim_at_real_rows(case, rows)
    response = case.call(app=application, headers={"Authorization": f"Token {tokens[who]}", "Accept-Language": "en"})
    case.validate_response(response, checks=CHECKS)
