import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.core import indicators
from fangkong.reports.models import ReportForm, validate_codes


def test_each_app_declares_its_figures_in_the_registry():
    codes = indicators.codes()
    for code in (
        "arrivals_new",
        "households_coverage",
        "home_current",
        "fever_today",
        "alerts_overdue",
        "reporting_rate",
    ):
        assert code in codes
    for item in indicators.REGISTRY.values():
        assert item.name_zh and item.name_en
        if item.is_rate:
            assert not indicators.get(item.numerator).is_rate and not indicators.get(item.denominator).is_rate


def test_a_code_declared_twice_is_refused():
    with pytest.raises(ValueError):
        indicators.register(indicators.get("fever_today"))


def test_a_configuration_naming_unknown_indicators_is_refused_naming_them():
    with pytest.raises(ValidationError) as refused:
        validate_codes(["fever_today", "masks_on_hand", "vehicles"])
    assert "masks_on_hand, vehicles" in refused.value.messages[0]


def test_the_form_shows_its_order_first_and_hides_what_it_hides(tree):
    form = ReportForm(area=tree.town, name="日报", indicators=["fever_today", "arrivals_new"], hidden=["households"])
    shown = form.shown_codes()
    assert shown[:2] == ["fever_today", "arrivals_new"]
    assert "households" not in shown and "alerts_open" in shown  # not listed: follows in its own order


def test_a_village_uses_the_nearest_form_above_it(tree):
    ReportForm.objects.create(area=tree.county, name="丹凤县日报")
    town_form = ReportForm.objects.create(area=tree.town, name="竹林关镇日报")
    assert ReportForm.for_area(tree.village) == town_form
    assert ReportForm.for_area(tree.other_village).pk is None  # the default form


def test_a_commander_saving_an_unknown_code_is_told_which(client, tree, people):
    client.force_login(people.city_commander)
    response = client.post(
        reverse("reports:form-add"),
        {"area": tree.town.pk, "name": "日报", "indicators": "fever_today\nmasks_on_hand", "hidden": ""},
    )
    assert response.status_code == 200
    assert "masks_on_hand" in str(response.context["form"].errors["indicators"])
    assert not ReportForm.objects.exists()
