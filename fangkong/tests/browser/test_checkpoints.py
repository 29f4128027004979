"""A checkpoint worker registers a car of four on a phone, one with a fever; the village accepts three
hand-overs in one tap each; the fourth, not accepted in time, is on the town's list."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.checkpoints import services
from fangkong.checkpoints.models import HandOver, Passage
from fangkong.checkpoints.tests.factories import make_checkpoint
from fangkong.core.models import Notification
from fangkong.core.roles import Role
from fangkong.core.testing import make_user
from fangkong.people.models import Arrival
from fangkong.people.tests.factories import id_number

from .screens import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def pick(tab, field_id, typed, expected):
    tab.locator(f"#{field_id}").press_sequentially(typed)
    suggestion = tab.locator(f"#{field_id}-suggestions button").first
    expect(suggestion).to_contain_text(expected)
    suggestion.click()


def test_a_car_of_four_is_registered_and_handed_over_to_the_village(tab, people, tree, viewport, screenshot, settings):
    checkpoint = make_checkpoint(tree.town)
    make_user("staff", Role.CHECKPOINT, tree.town)
    log_in(tab, "staff")
    tab.goto(f"/checkpoints/passages/add/?checkpoint={checkpoint.pk}")
    assert horizontal_overflow(tab) <= 1, f"the form scrolls sideways at {viewport.width} px"
    tab.fill("#id_plate", "陕H12345")
    pick(tab, "id_origin", "武汉 江岸", "湖北省 武汉市 江岸区")
    for index, (name, temperature) in enumerate(
        [("张三", "36.5"), ("李四", "38.3"), ("王五", "36.6"), ("赵六", "36.4")]
    ):
        if index:
            tab.locator("#add-person").click()
        tab.fill(f"#id_people-{index}-name", name)
        tab.fill(f"#id_people-{index}-id_number", id_number())
        pick(tab, f"id_people-{index}-destination", "zlg", "竹林关村")
        tab.fill(f"#id_people-{index}-temperature", temperature)
    assert horizontal_overflow(tab) <= 1
    screenshot(tab, "form")
    with tab.expect_navigation():
        tab.locator("#save-passage").click()
    expect(tab.locator(".alert-success")).to_contain_text("陕H12345")
    passage = Passage.objects.get()
    assert passage.travellers.count() == 4 and passage.travellers.filter(fever=True).count() == 1
    assert HandOver.objects.filter(area=tree.village, status="pending").count() == 4
    assert Notification.objects.filter(user=people.village_officer, kind="checkpoint_fever").count() == 1

    # The village officer accepts three, one tap each, from the hand-over's page.
    log_in(tab, "village_officer")
    for handover in HandOver.objects.filter(traveller__name__in=["张三", "李四", "王五"]):
        tab.goto(f"/checkpoints/handovers/{handover.pk}/")
        with tab.expect_navigation():
            tab.locator("#accept").click()
        expect(tab.locator("#handover-status")).to_have_class(re.compile("text-bg-success"))
    assert Arrival.objects.filter(area=tree.village).count() == 3
    screenshot(tab, "accepted")
    tab.goto("/people/arrivals/")
    expect(tab.locator("main table tbody tr")).to_have_count(3)
    assert horizontal_overflow(tab) <= 1

    # The fourth is not accepted in time: the sweep sends it up to the town.
    later = timezone.now() + datetime.timedelta(hours=settings.CHECKPOINTS_HANDOVER_HOURS, minutes=1)
    assert len(services.escalate_overdue(later)) == 1
    HandOver.objects.filter(status="pending").update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    log_in(tab, "town_officer")
    tab.goto("/checkpoints/handovers/?status=overdue")
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    expect(tab.locator("main table tbody")).to_contain_text("赵六")
    assert horizontal_overflow(tab) <= 1, f"the list scrolls sideways at {viewport.width} px"
    screenshot(tab, "overdue")
    tab.goto(f"/checkpoints/{checkpoint.pk}/")
    expect(tab.locator("#figure-fevers")).to_have_text("1")
    expect(tab.locator("#figure-accepted")).to_have_text("3")
    expect(tab.locator("#figure-overdue")).to_have_text("1")
    expect(tab).to_have_url(re.compile(f"/checkpoints/{checkpoint.pk}/$"))
    assert Decimal("38.3") in [t.temperature for t in passage.travellers.filter(fever=True)]
