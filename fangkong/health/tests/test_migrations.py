"""The built-in categories fever and under observation, set by hand before, become records."""

import datetime
import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from fangkong.core import person_status
from fangkong.core.models import ChangeLogEntry
from fangkong.health.models import Episode
from fangkong.health.tests.factories import make_episode
from fangkong.people.models import KeyPersonTag, Person, ScreeningRound, ScreeningVisit
from fangkong.people.tests.factories import id_number, make_household, make_person, report_fever

derived_status = importlib.import_module("fangkong.health.migrations.0007_derived_status")
TODAY = timezone.localdate()


def tag_by_hand(person, *codes):
    """As the register stored them before: rows of the categories' table, whatever the records said."""
    for code in codes:
        Person.tags.through.objects.create(person=person, keypersontag=KeyPersonTag.objects.get(code=code))


def migrate():
    state = MigrationLoader(connection).project_state(("health", "0007_derived_status"))
    derived_status.retire_derived_tags(state.apps, None)


def migration_entry(person):
    return ChangeLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk), source="migration"
    )


@pytest.fixture
def tagged(tree):
    return make_person(tree.grid, "观察中", number=id_number())


def test_someone_said_to_be_observed_without_an_episode_gets_one_from_the_day_it_was_said(tagged):
    tag_by_hand(tagged, KeyPersonTag.UNDER_OBSERVATION, KeyPersonTag.CLOSE_CONTACT)
    said = ChangeLogEntry.objects.create(
        source="web",
        kind="update",
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(tagged.pk),
        object_repr=tagged.name,
        area_path=tagged.area_path,
        before={"tags": ["close_contact"]},
        after={"tags": ["close_contact", "under_observation"]},
    )
    ChangeLogEntry.objects.filter(pk=said.pk).update(time=timezone.now() - datetime.timedelta(days=3))

    migrate()

    episode = Episode.objects.get(person=tagged)
    assert (episode.reason, episode.kind, episode.ended_on) == ("other", "home", None)
    assert episode.start_on == TODAY - datetime.timedelta(days=3)
    assert episode.planned_end_on == episode.start_on + datetime.timedelta(days=14)
    assert episode.area_path == tagged.area_path
    assert tagged.tag_codes() == {KeyPersonTag.CLOSE_CONTACT}
    assert person_status.of(tagged).under_observation
    entry = migration_entry(tagged)
    assert entry.before == {"tags": ["close_contact", "under_observation"]}
    assert entry.after["tags"] == ["close_contact"] and "observation episode was opened" in entry.after["note"]
    assert ChangeLogEntry.objects.filter(object_id=str(episode.pk), source="migration", kind="create").exists()


def test_a_category_the_records_already_say_is_dropped_without_a_new_record(tree, tagged):
    make_episode(person=tagged)
    tag_by_hand(tagged, KeyPersonTag.UNDER_OBSERVATION)
    arrived = make_person(tree.grid, "发热返乡", number=id_number())
    report_fever(arrived)
    tag_by_hand(arrived, KeyPersonTag.FEVER)

    migrate()

    assert Episode.objects.filter(person=tagged).count() == 1 and not Episode.objects.filter(person=arrived).exists()
    assert tagged.tag_codes() == arrived.tag_codes() == set()
    assert person_status.of(tagged).under_observation and person_status.of(arrived).colour == "red"
    assert "records already say it" in migration_entry(arrived).after["note"]


def test_a_fever_found_by_a_screening_visit_is_named_on_the_visit(tree, people):
    household = make_household(tree.grid)
    sick = make_person(tree.grid, "发热者", number=id_number(), household=household)
    screening_round = ScreeningRound.objects.create(area=tree.village, title="第一轮", deadline=TODAY)
    visit = ScreeningVisit.objects.create(
        round=screening_round, household=household, area=household.area, symptoms_found=True
    )
    tag_by_hand(sick, KeyPersonTag.FEVER)

    migrate()

    assert list(visit.fever_members.all()) == [sick] and sick.tag_codes() == set()
    assert person_status.of(sick).colour == "red" and not Episode.objects.exists()


def test_a_fever_nothing_recorded_opens_an_observation_rather_than_inventing_a_temperature(tagged):
    tag_by_hand(tagged, KeyPersonTag.FEVER)

    migrate()

    episode = Episode.objects.get(person=tagged)
    assert episode.start_on == TODAY and not tagged.checks.exists()
    assert person_status.of(tagged).colour == "yellow" and tagged.tag_codes() == set()
    assert migration_entry(tagged).before == {"tags": ["fever"]}


def test_nothing_is_written_when_nobody_has_a_derived_category(tagged):
    tag_by_hand(tagged, KeyPersonTag.FROM_RISK_AREA)
    migrate()
    assert not ChangeLogEntry.objects.filter(source="migration").exists() and not Episode.objects.exists()
    assert tagged.tag_codes() == {KeyPersonTag.FROM_RISK_AREA}
