"""Notices reach every grid below their area and are marked relayed grid by grid (idempotent, refused
outside the user's grids), their coverage rolls up by area; refutations and answers reach the areas
below once published, and a village's public pages show only what is published."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.community import services
from fangkong.community.models import Notice, NoticeRelay, Question, Rumour
from fangkong.community.tests.factories_publicity import make_notice, make_question, make_rumour, relay
from fangkong.core.models import ChangeLogEntry
from fangkong.core.testing import ScopedAPIClient


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def listed(response):
    return [row.record for row in response.context["table"].paginated_rows]


def test_a_towns_notice_reaches_the_grid_worker_until_they_relay_it(client, tree, people):
    notice = make_notice(tree.town, user=people.town_officer)
    other = make_notice(tree.other_county, title="商南县的通知")
    client.force_login(people.grid_worker)
    to_relay = client.get(reverse("community:notice-list"), {"to_relay": "true"})
    assert listed(to_relay) == [notice]
    page = client.get(notice.get_absolute_url())
    assert page.status_code == 200 and "第一网格" in page.content.decode()
    assert client.get(other.get_absolute_url()).status_code == 404

    response = client.post(
        reverse("community:notice-relay", args=[notice.pk]),
        {"area": tree.grid.pk, "door_to_door": "on", "wechat_group": "on", "note": "已发到一组微信群"},
    )
    assert response.status_code == 302
    mark = NoticeRelay.objects.get()
    assert (mark.area, mark.methods, mark.relayed_by) == (
        tree.grid,
        ["door_to_door", "wechat_group"],
        people.grid_worker,
    )
    assert ChangeLogEntry.objects.filter(object_id=str(mark.pk), kind="create").exists()
    assert listed(client.get(reverse("community:notice-list"), {"to_relay": "true"})) == []
    assert notice in listed(client.get(reverse("community:notice-list")))


def test_marking_twice_is_idempotent_and_adds_new_methods(tree, people):
    notice = make_notice(tree.village)
    first, created = services.mark_relayed(notice, tree.grid, people.grid_worker, ["door_to_door"], "入户 30 户")
    again, created_again = services.mark_relayed(notice, tree.grid, people.grid_worker, ["door_to_door"], "入户 30 户")
    assert created and not created_again and again.pk == first.pk
    updates = ChangeLogEntry.objects.filter(object_id=str(first.pk), kind="update")
    assert not updates.exists()  # the same mark changed nothing
    more, _ = services.mark_relayed(notice, tree.grid, people.village_officer, ["loudspeaker"], "村村响播放 3 遍")
    assert more.methods == ["door_to_door", "loudspeaker"] and "村村响" in more.note and "入户" in more.note
    assert NoticeRelay.objects.count() == 1


def test_a_mark_outside_the_users_grids_is_refused_naming_the_grid(tree, people):
    notice = make_notice(tree.city)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.mark_relayed(notice, tree.grid2, people.grid_worker, ["loudspeaker"])
    assert "grid" in refused.value.message_dict
    # Not below the notice's area: the village's grid for a notice of the other village.
    elsewhere = make_notice(tree.village2)
    with pytest.raises(ValidationError) as refused:
        services.mark_relayed(elsewhere, tree.grid, people.village_officer, ["loudspeaker"])
    assert "grid" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.mark_relayed(notice, tree.grid, people.grid_worker, [])
    assert "door to door" in refused.value.message_dict["methods"][0]
    future = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(ValidationError) as refused:
        services.mark_relayed(notice, tree.grid, people.grid_worker, ["wechat_group"], relayed_at=future)
    assert "relayed_at" in refused.value.message_dict
    assert not NoticeRelay.objects.exists()


def test_the_web_form_offers_only_the_users_grids(client, tree, people):
    notice = make_notice(tree.town)
    client.force_login(people.grid_worker)
    url = reverse("community:notice-relay", args=[notice.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["area"].queryset) == [tree.grid]
    with translation.override("en"):
        response = client.post(url, {"area": tree.grid2.pk, "loudspeaker": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "area" in response.context["form"].errors
    response = client.post(url, {"area": tree.grid.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "door to door" in response.content.decode()
    assert not NoticeRelay.objects.exists()
    client.force_login(people.doctor)
    assert client.get(url).status_code == 403


def test_coverage_rolls_up_from_the_grids(client, tree, people):
    notice = make_notice(tree.town)
    rows, total = services.coverage(notice, tree.town)
    assert [(row["area"], row["relayed"], row["grids"], row["percent"]) for row in rows] == [
        (tree.village, 0, 2, 0),
        (tree.village2, 0, 0, None),
    ]
    relay(notice, tree.grid, people.grid_worker)
    rows, total = services.coverage(notice, tree.town)
    assert (rows[0]["relayed"], rows[0]["percent"], total) == (1, 50, {"grids": 2, "relayed": 1, "percent": 50})
    rows, total = services.coverage(notice, tree.village)
    assert [(row["area"], row["relayed"], row["relay"] is not None) for row in rows] == [
        (tree.grid, 1, True),
        (tree.grid2, 0, False),
    ]
    relay(notice, tree.grid2, people.village_officer, ["loudspeaker"])
    assert services.coverage(notice, tree.county)[1]["percent"] == 100

    client.force_login(people.town_officer)
    page = client.get(notice.get_absolute_url(), {"area": tree.village.code})
    assert page.status_code == 200 and [row["area"] for row in page.context["rows"]] == [tree.grid, tree.grid2]
    # An area outside the notice's, or outside the user's: not found.
    assert client.get(notice.get_absolute_url(), {"area": tree.county.code}).status_code == 404
    client.force_login(people.grid_worker)
    page = client.get(notice.get_absolute_url())
    assert page.context["area"] == tree.grid  # the top of their scope below the notice
    assert client.get(notice.get_absolute_url(), {"area": tree.village.code}).status_code == 404


def test_the_api_marks_relayed_once_and_refuses_clearly(api, tree, people):
    notice = make_notice(tree.town)
    url = reverse("notice-relayed", args=[notice.pk])
    api.force_authenticate(people.grid_worker)
    body = {"grid": tree.grid.code, "methods": ["door_to_door", "loudspeaker"], "note": "入户"}
    first = api.post(url, body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["grid"] == tree.grid.code and sorted(first.json()["methods"]) == ["door_to_door", "loudspeaker"]
    again = api.post(url, body, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert NoticeRelay.objects.count() == 1
    assert api.get(url).json()[0]["grid"] == tree.grid.code

    outside = api.post(url, {**body, "grid": tree.grid2.code}, format="json")
    assert outside.status_code == 400 and "grid" in outside.json()
    unknown = api.post(url, {**body, "grid": "999"}, format="json")
    assert unknown.status_code == 400 and "grid" in unknown.json()
    no_method = api.post(url, {**body, "methods": []}, format="json")
    assert no_method.status_code == 400 and "methods" in no_method.json()
    bad_method = api.post(url, {**body, "methods": ["carrier_pigeon"]}, format="json")
    assert bad_method.status_code == 400 and "methods" in bad_method.json()

    listing = api.get(reverse("notice-list"), {"to_relay": "true"})
    assert listing.json()["results"] == []
    detail = api.get(reverse("notice-detail", args=[notice.pk])).json()
    assert (detail["grids"], detail["relayed"]) == (1, 1)

    api.force_authenticate(people.outsider)
    assert api.post(url, {**body, "grid": tree.other_grid.code}, format="json").status_code == 404
    api.force_authenticate(people.doctor)
    refused = api.post(url, body, format="json")
    assert refused.status_code == 400 and "grid" in refused.json()


def test_the_api_coverage(api, tree, people):
    notice = make_notice(tree.town)
    relay(notice, tree.grid, people.grid_worker)
    api.force_authenticate(people.town_officer)
    rows = api.get(reverse("notice-coverage", args=[notice.pk])).json()
    assert rows[0] == {"area": tree.village.code, "name": "竹林关村", "grids": 2, "relayed": 1, "percent": 50}
    assert rows[-1]["area"] == tree.town.code and rows[-1]["percent"] == 50
    grids = api.get(reverse("notice-coverage", args=[notice.pk]), {"area": tree.village.code}).json()
    assert [row["relayed"] for row in grids[:-1]] == [1, 0]
    assert api.get(reverse("notice-coverage", args=[notice.pk]), {"area": tree.other_county.code}).status_code == 404


def test_nothing_is_published_on_a_grid(api, tree, people):
    api.force_authenticate(people.village_officer)
    payload = {"area": tree.grid.code, "title": "网格通知", "body": "…"}
    with translation.override("en"):
        response = api.post(reverse("notice-list"), payload, format="json")
    assert response.status_code == 400 and "area" in response.json()
    assert not Notice.objects.exists()


def test_drafts_stay_with_their_area_and_published_entries_reach_below(tree, people):
    draft = make_rumour(tree.village, claim="草稿", published=False)
    published = make_rumour(tree.town)
    question = make_question(tree.village, published=False)
    assert set(Rumour.objects.restrict(people.grid_worker)) == {published}
    assert set(Rumour.objects.restrict(people.village_officer)) == {draft, published}
    assert set(Rumour.objects.restrict(people.town_officer)) == {draft, published}
    assert not Question.objects.restrict(people.grid_worker).exists()
    assert Question.objects.restrict(people.village_officer).get() == question
    assert not Rumour.objects.restrict(people.outsider).exists()


def test_the_public_page_of_a_village_shows_what_applies_and_is_published(client, tree, people):
    city_wide = make_rumour(tree.city, claim="全市停水停电")
    own = make_rumour(tree.village, claim="村里发现病例")
    make_rumour(tree.village, claim="还没发布的", published=False)
    make_rumour(tree.village2, claim="桃园村的谣言")
    make_rumour(tree.other_county, claim="商南县的谣言")
    page = client.get(reverse("public-rumours", args=[tree.village.code]))
    assert page.status_code == 200
    assert set(page.context["rumours"]) == {own, city_wide}
    text = page.content.decode()
    assert "全市停水停电" in text and "还没发布的" not in text and "桃园村" not in text
    assert client.get(reverse("public-rumours", args=[tree.grid.code])).status_code == 404
    assert client.get(reverse("public-rumours", args=["000"])).status_code == 404


def test_the_poster_points_at_the_public_page(client, tree, people):
    make_rumour(tree.town, claim="喝板蓝根能防病毒")
    client.force_login(people.town_officer)
    page = client.get(reverse("community:poster", args=[tree.village.code]))
    assert page.status_code == 200
    assert page.context["public_url"].endswith(reverse("public-rumours", args=[tree.village.code]))
    assert page.context["qr"].startswith("data:image/svg+xml")
    assert "喝板蓝根" in page.content.decode()
    assert client.get(reverse("community:poster", args=[tree.other_village.code])).status_code == 404
    assert client.get(reverse("community:poster", args=[tree.town.code])).status_code == 404


def test_questions_are_found_by_words_pinyin_and_initials(client, tree, people):
    masks = make_question(tree.town, question="口罩去哪里买？", answer="各村卫生室按户供应。")
    make_question(tree.town, question="外地车辆能进村吗？", answer="登记后进入。")
    make_question(tree.village, question="口罩草稿", published=False)
    found = Question.objects.filter(pk__in=Question.objects.search("口罩"))
    assert masks in found
    assert list(Question.objects.restrict(people.grid_worker).search("kouzhao")) == [masks]
    assert list(Question.objects.restrict(people.grid_worker).search("KZ")) == [masks]
    assert list(Question.objects.restrict(people.grid_worker).search("卫生室")) == [masks]
    client.force_login(people.grid_worker)
    assert listed(client.get(reverse("community:question-list"), {"q": "kz"})) == [masks]
    public = client.get(reverse("public-questions", args=[tree.village.code]), {"q": "kzqn"})
    assert list(public.context["questions"]) == [masks]
    assert list(client.get(reverse("public-questions", args=[tree.village.code])).context["questions"]) != []


def test_the_daily_figure_counts_todays_marks_and_links_to_them(client, tree, people):
    from fangkong.core import indicators

    notice = make_notice(tree.town)
    relay(notice, tree.grid, people.grid_worker)
    old = relay(make_notice(tree.town, title="旧通知"), tree.grid2, people.village_officer)
    NoticeRelay.objects.filter(pk=old.pk).update(relayed_at=timezone.now() - datetime.timedelta(days=2))
    figure = indicators.get("notices_relayed")
    today = timezone.localdate()
    assert figure.count(tree.town, today, people.town_officer) == 1
    client.force_login(people.town_officer)
    assert len(listed(client.get(figure.link(tree.town, today)))) == 1


def test_codes_that_are_not_codes_find_nothing(client, tree, people):
    notice = make_notice(tree.town)
    assert client.get(reverse("public-rumours", args=["abc\x00"])).status_code == 404
    assert client.get(reverse("public-questions", args=[tree.village.code]), {"q": "口\x00罩"}).status_code == 200
    client.force_login(people.town_officer)
    assert client.get(notice.get_absolute_url(), {"area": "6110\x00"}).status_code == 404
    assert client.get(reverse("community:poster", args=["x\x00"])).status_code == 404
    relay_url = reverse("community:notice-relay", args=[notice.pk])
    assert client.get(relay_url, {"grid": "\x00"}).status_code == 200


def test_coverage_costs_the_same_few_queries_whatever_the_size(tree, people, django_assert_num_queries):
    notice = make_notice(tree.city)
    relay(notice, tree.grid, people.grid_worker)
    with django_assert_num_queries(3):  # the children, the grids per child, the marks per child
        services.coverage(notice, tree.city)
    with django_assert_num_queries(4):  # and, for a village, each grid's mark with who made it
        services.coverage(notice, tree.village)
    for index in range(5):
        make_notice(tree.town, title=f"通知 {index}")
    people.town_officer.memberships_cached()  # read once per request
    with django_assert_num_queries(1):  # a page of notices with the user's grids and marks
        list(Notice.objects.restrict(people.town_officer).with_coverage(people.town_officer))
