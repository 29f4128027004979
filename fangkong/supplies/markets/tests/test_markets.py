"""Market inspections: price jumps against the same area's price a week earlier (flagged, listed and
told to the county's officers in their language), the price rule on the form and the API alike,
the idempotent POST, problems closed by a re-inspection, the price filters and the chart's series."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.core.models import ChangeLogEntry, Notification
from fangkong.core.testing import ScopedAPIClient
from fangkong.supplies.markets import services
from fangkong.supplies.markets.models import BasketItem, Inspection, Price, Problem
from fangkong.supplies.markets.tests.factories import basket, inspect, make_market

pytestmark = pytest.mark.django_db


def _api(user):
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_authenticate(user)
    return client


def test_a_price_up_more_than_the_limit_on_last_weeks_is_flagged_and_told_to_the_county(tree, people):
    people.county_officer.language = "en"
    people.county_officer.save()
    market = make_market(tree.village)
    inspect(market, [("pork", "18.00"), ("rice", "2.50")], days_ago=7)

    today = inspect(market, [("pork", "30.00"), ("rice", "2.90")], user=people.village_officer)

    pork, rice = today.prices.get(item__code="pork"), today.prices.get(item__code="rice")
    assert (pork.week_earlier, pork.change_percent, pork.jumped) == (Decimal("18.00"), Decimal("66.7"), True)
    assert (rice.change_percent, rice.jumped) == (Decimal("16.0"), False)  # within the 20 % limit
    assert today.jumps == 1
    notice = Notification.objects.get(user=people.county_officer, kind="price_jump")
    assert "Price jump at" in notice.title and "pork 18.00 → 30.00 yuan (+66.7%)" in notice.title
    assert notice.link == today.get_absolute_url()
    assert not Notification.objects.filter(kind="price_jump").exclude(user=people.county_officer).exists()


def test_the_notice_is_in_chinese_for_a_chinese_reader(tree, people):
    market = make_market(tree.village)
    inspect(market, [("pork", "18.00")], days_ago=8)
    with translation.override("en"):  # the request's language is not the reader's
        inspect(market, [("pork", "25.00")])
    title = Notification.objects.get(user=people.county_officer).title
    assert "猪肉" in title and "pork" not in title


def test_only_the_same_area_a_week_earlier_counts(tree, people):
    village, town = make_market(tree.village), make_market(tree.town, "竹林关镇农贸市场")
    inspect(town, [("pork", "10.00")], days_ago=7)  # another area
    inspect(village, [("pork", "10.00")], days_ago=3)  # too recent
    inspect(village, [("pork", "10.00")], days_ago=20)  # too long ago
    price = inspect(village, [("pork", "30.00")]).prices.get()
    assert (price.week_earlier, price.jumped) == (None, False)


def test_the_limit_is_the_items_own(tree, people):
    pork = basket("pork")
    pork.jump_percent = 50
    pork.save()
    market = make_market(tree.village)
    inspect(market, [("pork", "20.00")], days_ago=7)
    assert not inspect(market, [("pork", "29.00")]).prices.get().jumped
    assert inspect(market, [("pork", "31.00")]).prices.get().jumped


def test_the_jump_shows_on_the_price_jump_list(client, tree, people):
    market = make_market(tree.village)
    inspect(market, [("pork", "18.00")], days_ago=7)
    jumped = inspect(market, [("pork", "30.00"), ("rice", "2.50")]).prices.get(item__code="pork")
    client.force_login(people.doctor)
    response = client.get(reverse("supplies:price-jumps"))
    assert [row.record for row in response.context["table"].paginated_rows] == [jumped]
    assert _api(people.doctor).get(reverse("price-list"), {"jumped": "true"}).json()["results"][0]["id"] == jumped.pk


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-5", "Row 1, pork: a price must be above zero."),
        ("0", "Row 1, pork: a price must be above zero."),
        ("99999", "Row 1, pork: 99999 yuan is above the highest plausible price (1000.00 yuan)."),
    ],
)
def test_a_price_out_of_range_is_refused_on_the_form_naming_item_and_row(client, tree, people, price, message):
    market = make_market(tree.village)
    client.force_login(people.village_officer)
    data = {"key": "k1", "inspected_on": timezone.localdate().isoformat(), "price_pork": price, "staff_checked": 0}
    data.update(staff_fever=0)
    with translation.override("en"):
        response = client.post(reverse("supplies:market-inspect", args=[market.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["price_pork"] == [message]
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-1", "Row 2, eggs: a price must be above zero."),
        ("5000", "Row 2, eggs: 5000 yuan is above the highest plausible price (1000.00 yuan)."),
    ],
)
def test_a_price_out_of_range_is_refused_by_the_api_naming_item_and_row(tree, people, price, message):
    market = make_market(tree.village)
    body = {
        "key": "k1",
        "market": market.pk,
        "inspected_on": timezone.localdate().isoformat(),
        "prices": [{"item": "pork", "price": "20"}, {"item": "eggs", "price": price}],
    }
    response = _api(people.village_officer).post(reverse("inspection-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"prices": [message]}
    assert not Inspection.objects.exists() and not Price.objects.exists()


def test_the_api_post_is_idempotent_by_key(tree, people):
    market, other = make_market(tree.village), make_market(tree.village, "另一超市")
    body = {
        "key": "phone-1",
        "market": market.pk,
        "inspected_on": timezone.localdate().isoformat(),
        "prices": [{"item": "pork", "price": "20"}],
        "problems": [{"description": "无消杀记录", "rectify_by": timezone.localdate().isoformat()}],
    }
    api = _api(people.town_officer)
    first = api.post(reverse("inspection-list"), body, format="json")
    again = api.post(reverse("inspection-list"), body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert (Inspection.objects.count(), Price.objects.count(), Problem.objects.count()) == (1, 1, 1)
    assert first.json()["prices"][0]["item"] == "pork" and first.json()["problems"][0]["status"] == "open"
    reused = api.post(reverse("inspection-list"), {**body, "market": other.pk}, format="json")
    assert reused.status_code == 409 and "key" in reused.json()


def test_a_re_inspection_closes_the_problems_found_rectified(tree, people):
    market = make_market(tree.village)
    first = inspect(market, problems=[("冷库无温度记录", 2), ("未张贴禁售野生动物告示", 1)], days_ago=3)
    cold, notice = first.problems.order_by("pk")
    again = inspect(market, rectified=[notice])
    notice.refresh_from_db()
    cold.refresh_from_db()
    assert (notice.status, notice.closed_at) == (Problem.Status.RECTIFIED, again)
    assert cold.status == Problem.Status.OPEN
    assert ChangeLogEntry.objects.filter(object_id=str(notice.pk), kind="update").exists()


def test_the_api_closes_only_the_markets_open_problems(tree, people):
    market, other = make_market(tree.village), make_market(tree.village, "另一超市")
    elsewhere = inspect(other, problems=[("地面湿滑", 2)]).problems.get()
    body = {
        "key": "k2",
        "market": market.pk,
        "inspected_on": timezone.localdate().isoformat(),
        "rectified": [elsewhere.pk],
    }
    with translation.override("en"):
        response = _api(people.village_officer).post(reverse("inspection-list"), body, format="json")
    assert response.status_code == 400
    assert "rectified" in response.json()
    elsewhere.refresh_from_db()
    assert elsewhere.status == Problem.Status.OPEN


def test_more_fevers_than_staff_checked_is_refused(tree, people):
    market = make_market(tree.village)
    body = {"key": "k3", "market": market.pk, "inspected_on": timezone.localdate().isoformat()}
    body.update(staff_checked=2, staff_fever=3)
    response = _api(people.village_officer).post(reverse("inspection-list"), body, format="json")
    assert response.status_code == 400 and "staff_fever" in response.json()


def test_an_inspection_and_its_rows_are_in_the_change_log(client, tree, people):
    market = make_market(tree.village)
    client.force_login(people.village_officer)
    data = {
        "key": "k4",
        "inspected_on": timezone.localdate().isoformat(),
        "price_pork": "21.5",
        "price_rice": "2.6",
        "stock_rice": "short",
        "staff_checked": "3",
        "staff_fever": "0",
        "problem_1": "无健康证",
        "deadline_1": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
    }
    response = client.post(reverse("supplies:market-inspect", args=[market.pk]), data)
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert sorted(inspection.prices.values_list("item__code", "price", "stock")) == [
        ("pork", Decimal("21.50"), ""),
        ("rice", Decimal("2.60"), "short"),
    ]
    logged = ChangeLogEntry.objects.filter(kind="create", source="web", user=people.village_officer)
    assert logged.filter(content_type__model="inspection").count() == 1
    assert logged.filter(content_type__model="price").count() == 2
    assert logged.filter(content_type__model="problem").count() == 1


def test_the_prices_api_filters_by_area_item_and_dates(tree, people):
    village, town = make_market(tree.village), make_market(tree.town, "镇市场")
    old = inspect(village, [("pork", "18")], days_ago=10).prices.get()
    new = inspect(village, [("pork", "19"), ("rice", "2.5")]).prices.get(item__code="pork")
    in_town = inspect(town, [("pork", "20")]).prices.get()
    api = _api(people.county_officer)

    def ids(**query):
        return sorted(row["id"] for row in api.get(reverse("price-list"), query).json()["results"])

    since = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    assert ids(area=tree.village.code, item="pork") == sorted([old.pk, new.pk])
    assert ids(item="pork", since=since) == sorted([new.pk, in_town.pk])
    until = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert ids(until=until) == [old.pk]
    assert ids(area=tree.other_county.code) == []


def test_the_chart_shows_the_area_against_the_city_average(client, tree, people):
    inspect(make_market(tree.village), [("pork", "20")], days_ago=1)
    inspect(make_market(tree.other_village, "商南市场"), [("pork", "30")], days_ago=1)
    client.force_login(people.village_officer)
    response = client.get(reverse("supplies:price-chart"), {"item": "pork"})
    assert response.status_code == 200
    content = response.content.decode()
    start = content.index('id="price-chart-data"')
    data = json.loads(content[content.index(">", start) + 1 : content.index("</script>", start)])
    assert len(data["days"]) == 30 and data["area"][-2] == 20.0 and data["city"][-2] == 25.0
    assert data["area"][-1] is None
    assert client.get(reverse("supplies:price-chart"), {"area": tree.other_county.code}).status_code == 404


def test_week_earlier_takes_the_latest_day_in_the_window(tree, people):
    market, second = make_market(tree.village), make_market(tree.village, "第二市场")
    inspect(market, [("pork", "10")], days_ago=12)
    inspect(market, [("pork", "16")], days_ago=8)
    inspect(second, [("pork", "18")], days_ago=8)
    day = timezone.localdate()
    assert services.week_earlier(BasketItem.objects.get(code="pork"), tree.village.path, day) == Decimal("17.00")
