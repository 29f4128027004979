"""A whole day of observation in the browser, in Chinese, on phones (375 × 812), with the demo tree's users.

Arrival from a risk area → home observation → checks (the grid worker's, an offline phone's, a
resident's through the household QR link) → a fever → the doctor's alert → acknowledgement →
transfer → case → close contacts and their observations → on day 14, a release.

Time: the live server runs in this process, so ``clock`` (conftest.py) moves "now" for the server
(``django.utils.timezone.now``, which ``localdate()`` and every view read) and for every phone at
once. The day starts on today's date at 08:00; the last part sets the clocks 14 days later, the
planned end of the observations opened today, rather than rewriting the records' dates.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from fangkong.areas.models import Division, RiskArea
from fangkong.core.roles import Role
from fangkong.core.testing import make_user
from fangkong.health.alerts import channels
from fangkong.health.cases.tests.factories import make_facility
from fangkong.health.models import Alert, Case, Check, Contact, Episode, Transfer
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people.models import Arrival, KeyPersonTag, Person
from fangkong.people.tests.factories import id_number, make_household, make_person

from .screens import PHONE, horizontal_overflow, in_view, log_in, messages, untranslated

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def fits(page, what, allowed=()):
    """The page needs no sideways scrolling on the phone and shows no English."""
    assert horizontal_overflow(page) <= 1, f"{what} scrolls sideways on a phone"
    assert not untranslated(page, allowed), f"{what} shows untranslated words: {untranslated(page, allowed)}"


def not_yet_translated(*labels):
    """The words of labels the compiled catalogue does not translate yet: a new string is translated
    when the catalogue is next refreshed (``make messages``), and from then on must show in Chinese."""
    with translation.override("zh-hans"):
        return {word for label in map(str, labels) if re.search("[A-Za-z]", label) for word in label.split()}


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_whole_day_from_an_arrival_to_the_release_on_day_14(open_tab, tree, people, clock):
    today = timezone.localdate()
    day_14 = today + datetime.timedelta(days=14)
    clock.set_local(today, 8)
    RiskArea.objects.create(division=Division.objects.get(code="4201"), valid_from=today - datetime.timedelta(10))
    hospital = make_facility(tree.county, name="丹凤县人民医院")
    cdc = make_user("danfeng_cdc", Role.CDC, tree.county, full_name="丹凤县疾控中心 马医生")
    for user, full_name in (
        (people.village_officer, "竹林关村 刘书记"),
        (people.grid_worker, "竹林关村 张网格员"),
        (people.doctor, "竹林关村 孙村医"),
    ):
        user.full_name = full_name
        user.save()
    # A household already under home observation for three days, looked after by the village doctor.
    household = make_household(tree.grid, address="竹林关村一组 8 号")
    wife, husband = (
        make_person(tree.grid, name=name, number=id_number(), household=household, doctor=people.doctor)
        for name in ("王芳", "陈刚")
    )
    wife_episode, husband_episode = make_episode(wife), make_episode(husband)

    # 08:00 The village officer registers an arrival from Wuhan (a risk area) on their phone.
    officer = open_tab()
    log_in(officer, "village_officer")
    officer.goto("/people/arrivals/add/")
    officer.fill("#id_name", "李四")
    officer.fill("#id_id_number", id_number())
    officer.fill("#id_phone", "13912345678")
    officer.locator("#id_origin").press_sequentially("武汉 江岸")
    officer.locator("#id_origin-suggestions button").first.click()
    officer.fill("#id_arrived_on", today.isoformat())
    officer.select_option("#id_area", tree.grid.code)
    officer.fill("#id_address", "竹林关村一组 12 号")
    fits(officer, "the arrival form")
    with officer.expect_navigation():
        officer.locator("#arrival-form button[type=submit]").click()
    expect(messages(officer)).to_contain_text(["已保存：李四", "李四来自风险地区"])
    arrival = Arrival.objects.get()
    lisi = arrival.person
    assert KeyPersonTag.FROM_RISK_AREA in lisi.tag_codes()

    # He is on 需观察; the officer opens his home observation in one step, pre-filled.
    officer.goto("/people/needs-observation/")
    expect(officer.locator("main h1")).to_have_text("待医学观察")
    rows = officer.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("李四")
    fits(officer, "需观察")
    observe = rows.get_by_role("link", name="开始观察")
    in_view(officer, observe)
    with officer.expect_navigation():
        observe.click()
    expect(officer.locator("#id_kind")).to_have_value(Episode.Kind.HOME)
    expect(officer.locator("#id_reason")).to_have_value("risk_area_arrival")
    expect(officer.locator("#id_start_on")).to_have_value(today.isoformat())
    fits(officer, "the observation form")
    with officer.expect_navigation():
        officer.locator("main form button[type=submit]").click()
    lisi_episode = Episode.objects.get(person=lisi)
    assert (lisi_episode.kind, lisi_episode.start_on, lisi_episode.planned_end_on) == ("home", today, day_14)
    expect(officer.locator("#episode-status")).to_have_text("观察中")
    expect(officer.locator("#episode-day")).to_have_text("第1天/共14天")
    expect(officer.locator("#episode-end")).to_contain_text(day_14.isoformat())
    officer.goto("/people/needs-observation/")
    expect(officer.locator("main table tbody tr")).to_have_count(0)

    # 09:00 The grid worker lands on 今日工作 and checks him in one tap (the keyboard's entry aside).
    clock.set_local(today, 9)
    worker = open_tab()
    log_in(worker, "grid_worker")
    expect(worker).to_have_url(re.compile("/health/today/$"))
    expect(worker.locator("main h1")).to_have_text("今日工作")
    worklist = worker.locator("#worklist > li")
    expect(worklist).to_have_count(3)
    fits(worker, "今日工作")
    lisi_row = worklist.filter(has_text="李四")
    expect(lisi_row).to_contain_text("第1天/共14天")
    expect(lisi_row).to_contain_text("早检")
    lisi_row.locator("input[name=temperature]").fill("36.4")
    lisi_row.get_by_role("button", name="保存").click()  # the one tap
    expect(lisi_row.locator(".check-state")).to_have_text("已发送")
    check = Check.objects.get(person=lisi)
    assert (check.temperature, check.window, check.is_fever, check.recorded_by) == (
        Decimal("36.4"),
        "morning",
        False,
        people.grid_worker,
    )

    # 09:30 In the next lane there is no signal: the two checks wait on the phone, then go once.
    clock.set_local(today, 9, 30)
    worker.context.set_offline(True)
    for person, temperature in ((wife, "36.6"), (husband, "36.9")):
        row = worklist.filter(has_text=person.name)
        row.locator("input[name=temperature]").fill(temperature)
        row.get_by_role("button", name="保存").click()
    unsent = worker.locator("#unsent")
    expect(unsent).to_have_attribute("data-count", "2")
    expect(unsent).to_contain_text("尚未发送")
    fits(worker, "今日工作 with unsent checks")
    assert not Check.objects.filter(person__in=[wife, husband]).exists()
    queue_key = f"fangkong.checks.{people.grid_worker.pk}"
    queued = worker.evaluate("key => localStorage.getItem(key)", queue_key)
    worker.context.set_offline(False)
    expect(unsent).to_be_hidden()
    expect(worker.locator("#sent")).to_contain_text("已发送：3")  # since the page opened: his, and these two
    # An answer lost on the way back: the phone sends the same queue again, and nothing is doubled.
    worker.evaluate("([key, value]) => localStorage.setItem(key, value)", [queue_key, queued])
    worker.reload()
    expect(worker.locator("#sent")).to_contain_text("已发送：2")
    assert sorted(Check.objects.filter(source="worker").values_list("person__name", "temperature")) == [
        ("李四", Decimal("36.4")),
        ("王芳", Decimal("36.6")),
        ("陈刚", Decimal("36.9")),
    ]

    # 19:00 The officer hands the household its QR link; the family reports from it without a login.
    clock.set_local(today, 19)
    officer.goto(f"/people/households/{household.pk}/")
    with officer.expect_navigation():
        officer.locator("#self-report-link").click()
    with officer.expect_navigation():
        officer.locator("#reissue-link").click()
    fits(officer, "the household's QR code")
    link = officer.locator("#self-report-url").get_attribute("href")
    resident = open_tab()
    resident.goto(link)
    expect(resident.locator(".member-name")).to_have_text(["芳", "刚"])
    fits(resident, "the self-report page")
    member = resident.locator(".self-report-member", has_text="芳")
    member.locator("input[name$=temperature]").fill("36.5")
    member.get_by_role("button", name="保存").click()
    expect(messages(resident)).to_contain_text("芳 36.5")
    member = resident.locator(".self-report-member", has_text="刚")
    member.locator("input[name$=temperature]").fill("38.6")
    member.get_by_role("button", name="保存").click()
    expect(messages(resident)).to_contain_text("刚发热")
    fever = Check.objects.get(person=husband, is_fever=True)
    assert (fever.source, fever.temperature, fever.window) == ("self", Decimal("38.6"), "evening")
    alert = Alert.objects.get()
    assert (alert.kind, alert.status, alert.person, alert.source_check) == ("fever", "open", husband, fever)

    # 19:05 The doctor sees it beside the phone's menu button and in the inbox, and acknowledges it.
    clock.set_local(today, 19, 5)
    doctor = open_tab()
    log_in(doctor, "doctor")
    expect(doctor).to_have_url(re.compile("/health/today/$"))
    expect(doctor.locator("#alerts-count-phone")).to_have_text(re.compile(r"预警\s*1"))
    in_view(doctor, doctor.locator("#alerts-count-phone"))
    doctor.locator("button.navbar-toggler").click()
    expect(doctor.locator("#inbox-count")).to_have_text("1")
    with doctor.expect_navigation():  # dispatched: under load, the long menu may still be opening
        doctor.locator("#nav-inbox").dispatch_event("click")
    expect(doctor.locator("#inbox li", has_text="陈刚")).to_contain_text("发热：陈刚，38.6 °C")
    fits(doctor, "the inbox")
    with doctor.expect_navigation():
        doctor.locator("#alerts-count-phone").click()
    alerts = doctor.locator("main table tbody tr")
    expect(alerts).to_have_count(1)
    expect(alerts).to_contain_text("陈刚")
    fits(doctor, "the open alerts")
    with doctor.expect_navigation():
        alerts.get_by_role("link").first.click()
    expect(doctor.locator("#alert-status")).to_have_text("未处理")
    fits(doctor, "the alert", allowed=not_yet_translated(*channels.LABELS.values()))
    doctor.locator("#alert-actions textarea").fill("已电话联系，马上上门")
    in_view(doctor, doctor.locator("#acknowledge"))
    with doctor.expect_navigation():
        doctor.locator("#acknowledge").click()
    expect(doctor.locator("#alert-status")).to_have_text("已确认")
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.note) == ("acknowledged", people.doctor, "已电话联系，马上上门")
    expect(doctor.locator("#alerts-count-phone")).to_have_count(0)

    # 19:30 The doctor transfers him to the county's designated hospital.
    clock.set_local(today, 19, 30)
    with doctor.expect_navigation():
        doctor.locator("main h1").get_by_role("link", name="陈刚").click()
    in_view(doctor, doctor.locator("#transfer-person"))
    with doctor.expect_navigation():
        doctor.locator("#transfer-person").click()
    doctor.select_option("#id_facility", str(hospital.pk))
    doctor.fill("#id_vehicle", "陕H 120")
    doctor.fill("#id_escort", "孙村医")
    fits(doctor, "the transfer form")
    with doctor.expect_navigation():
        doctor.locator("main form button[type=submit]").click()
    transfer = Transfer.objects.get()
    husband_episode.refresh_from_db()
    assert (transfer.person, transfer.facility, transfer.transferred_by) == (husband, hospital, people.doctor)
    assert (husband_episode.ended_on, husband_episode.outcome) == (today, "transferred")
    expect(doctor.locator("main h1")).to_contain_text("丹凤县人民医院")
    fits(doctor, "the transfer")

    # 21:00 The county CDC records the hospital's finding, and reports him as a suspected case.
    clock.set_local(today, 21)
    cdc_tab = open_tab()
    log_in(cdc_tab, cdc.username)
    cdc_tab.goto("/health/transfers/")
    transfers = cdc_tab.locator("main table tbody tr")
    expect(transfers).to_have_count(1)
    expect(transfers).to_contain_text("丹凤县人民医院")
    fits(cdc_tab, "the transfers")
    with cdc_tab.expect_navigation():
        transfers.get_by_role("link", name="陈刚").click()
    expect(cdc_tab.locator("#transfer-result")).to_have_text("待定")
    cdc_tab.select_option("#id_result", "suspected")
    with cdc_tab.expect_navigation():
        cdc_tab.locator("main form[method=post] button[type=submit]").click()
    expect(cdc_tab.locator("#transfer-result")).to_contain_text("疑似病例")
    transfer.refresh_from_db()
    assert (transfer.result, transfer.result_by) == ("suspected", cdc)
    fits(cdc_tab, "the transfer")
    with cdc_tab.expect_navigation():
        cdc_tab.locator("main h1").get_by_role("link", name="陈刚").click()
    in_view(cdc_tab, cdc_tab.locator("#report-case"))
    with cdc_tab.expect_navigation():
        cdc_tab.locator("#report-case").click()
    cdc_tab.select_option("#id_classification", "suspected")
    cdc_tab.fill("#id_onset_on", today.isoformat())
    fits(cdc_tab, "the case form")
    with cdc_tab.expect_navigation():
        cdc_tab.locator("main form button[type=submit]").click()
    case = Case.objects.get()
    assert (case.person, case.classification, case.reported_by) == (husband, "suspected", cdc)
    expect(cdc_tab.locator("#case-classification")).to_have_text("疑似病例")
    fits(cdc_tab, "the case")

    # Two close contacts: his wife, found by the register's search, and a workmate, new.
    with cdc_tab.expect_navigation():
        cdc_tab.locator("#add-contact").click()
    cdc_tab.get_by_role("searchbox").fill("王芳")
    with cdc_tab.expect_navigation():
        cdc_tab.get_by_role("search").get_by_role("button").click()
    cdc_tab.locator("#contact-results").get_by_label(re.compile("王芳")).check()
    cdc_tab.select_option("#id_setting", "household")
    cdc_tab.fill("#id_last_contact_on", today.isoformat())
    fits(cdc_tab, "the contact form")
    with cdc_tab.expect_navigation():
        cdc_tab.locator("main form[method=post] button[type=submit]").click()
    expect(messages(cdc_tab)).to_contain_text(f"已登记 王芳 为密切接触者，观察至 {day_14.isoformat()}")

    with cdc_tab.expect_navigation():
        cdc_tab.locator("#add-contact").click()
    cdc_tab.fill("#id_name", "张伟")
    cdc_tab.fill("#id_phone", "13800001111")
    cdc_tab.fill("#id_area", "桃园")
    suggestion = cdc_tab.locator("[data-area-suggestions] button").first
    expect(suggestion).to_contain_text("桃园村")
    suggestion.click()
    cdc_tab.select_option("#id_setting", "work")
    cdc_tab.fill("#id_last_contact_on", today.isoformat())
    with cdc_tab.expect_navigation():
        cdc_tab.locator("main form[method=post] button[type=submit]").click()
    expect(messages(cdc_tab)).to_contain_text("张伟")
    chain = cdc_tab.locator("#case-chain")
    expect(chain).to_contain_text("王芳")
    expect(chain).to_contain_text("张伟")
    fits(cdc_tab, "the case with its chain")

    zhangwei = Person.objects.get(name="张伟")
    assert Contact.objects.filter(source_case=case).count() == 2
    wife_episode.refresh_from_db()
    # His wife keeps her observation and its start; its end moves to the last contact + 14 days.
    assert (wife_episode.start_on, wife_episode.planned_end_on) == (today - datetime.timedelta(days=3), day_14)
    zhangwei_episode = Episode.objects.get(person=zhangwei)
    assert (zhangwei_episode.reason, zhangwei_episode.start_on, zhangwei_episode.planned_end_on) == (
        "close_contact",
        today,
        day_14,
    )
    assert zhangwei_episode.area == zhangwei.area == tree.village2  # in his own village
    # 竹林关村's officer sees his village's episodes, not 桃园村's (logged in again: a session lasts 12 hours).
    log_in(officer, "village_officer")
    officer.goto("/health/episodes/")
    expect(officer.locator("main table tbody")).to_contain_text("王芳")
    expect(officer.locator("main table tbody")).not_to_contain_text("张伟")

    # Day 14, 10:00: the observations opened on day 0 end today; the officer releases 李四 in one click.
    clock.set_local(day_14, 10)
    log_in(officer, "village_officer")
    officer.goto("/health/episodes/")
    episodes = officer.locator("main table tbody tr")
    expect(episodes).to_have_count(3)
    expect(episodes.filter(has_text="李四")).to_contain_text("今日到期")
    expect(episodes.filter(has_text="王芳")).to_contain_text("今日到期")
    expect(episodes.filter(has_text="陈刚")).to_contain_text("已转运")
    fits(officer, "the episodes on day 14")
    with officer.expect_navigation():
        episodes.filter(has_text="李四").get_by_role("link", name="李四").first.click()
    expect(officer).to_have_url(re.compile(f"/health/episodes/{lisi_episode.pk}/$"))
    expect(officer.locator("#episode-status")).to_have_text("今日到期")
    fits(officer, "the episode on its last day")
    in_view(officer, officer.locator("#release"))
    with officer.expect_navigation():
        officer.locator("#release").click()
    expect(messages(officer)).to_contain_text("李四")
    expect(officer.locator("#episode-status")).to_have_text("已解除")
    lisi_episode.refresh_from_db()
    assert (lisi_episode.ended_on, lisi_episode.outcome) == (day_14, "released")
    assert KeyPersonTag.UNDER_OBSERVATION not in Person.objects.get(pk=lisi.pk).tag_codes()
    assert Episode.objects.open().filter(person=wife).exists()  # released by her own click, not with his

    # Nobody from the next county finds any of it.
    outsider = open_tab()
    log_in(outsider, "outsider")
    for path in (f"/health/episodes/{lisi_episode.pk}/", f"/health/cases/{case.pk}/", f"/health/alerts/{alert.pk}/"):
        assert outsider.goto(path).status == 404
        expect(outsider.locator("main h1")).to_have_text("未找到")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_todays_work_and_an_alert_read_in_english_on_a_phone(open_tab, tree, people, clock):
    clock.set_local(timezone.localdate(), 9)
    episode = make_episode(make_person(tree.grid, name="王芳", number=id_number(), doctor=people.doctor))
    make_check(make_episode(make_person(tree.grid, name="陈刚", number=id_number())), temperature=Decimal("38.6"))
    worker = open_tab(locale="en-US")
    log_in(worker, "grid_worker")
    expect(worker.locator("main h1")).to_have_text("Today's work")
    row = worker.locator("#worklist > li", has_text="王芳")
    expect(row).to_contain_text("Day 4 of 14 · morning check")
    row.locator("input[name=temperature]").fill("36.5")
    row.get_by_role("button", name="Save").click()
    expect(row.locator(".check-state")).to_have_text("sent")
    assert Check.objects.get(episode=episode).temperature == Decimal("36.5")
    assert horizontal_overflow(worker) <= 1

    doctor = open_tab(locale="en-US")
    log_in(doctor, "doctor")
    with doctor.expect_navigation():
        doctor.locator("#alerts-count-phone").click()
    with doctor.expect_navigation():
        doctor.locator("main table tbody tr").get_by_role("link").first.click()
    expect(doctor.locator("main h1")).to_contain_text("fever · 陈刚")
    expect(doctor.locator("#alert-status")).to_have_text("open")
    expect(doctor.locator("#acknowledge")).to_have_text("Acknowledge")
    assert horizontal_overflow(doctor) <= 1
