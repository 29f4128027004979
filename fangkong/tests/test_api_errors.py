"""The API's errors, as the schema declares them: JSON bodies, 4xx for bad requests, never a server error."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient


@pytest.fixture
def api(people):
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_authenticate(people.city_commander)
    return client


def test_an_unknown_method_is_405_not_a_server_error(api):
    response = api.generic("TRACE", "/api/areas/")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "TRACE" not allowed.'}


@pytest.mark.parametrize("url", ["/api/people/true/reveal/", "/api/move-requests/x/decide/"])
def test_an_action_on_an_id_that_is_not_a_number_is_404(api, url):
    response = api.post(url, {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_api_url_that_matches_no_endpoint_answers_json_404(api):
    response = api.get("/api/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_the_schema_declares_the_errors_each_operation_answers():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert sorted(paths["/api/people/{id}/"]["patch"]["responses"]) == ["200", "400", "401", "403", "404", "409", "415"]
    assert sorted(paths["/api/me/"]["get"]["responses"]) == ["200", "401", "403"]
    assert sorted(paths["/api/people/"]["get"]["responses"]) == ["200", "400", "401", "403", "404"]


def test_the_schema_says_a_relation_over_a_nullable_key_can_be_null():
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert schemas["Area"]["properties"]["parent"]["nullable"] is True
    assert schemas["Arrival"]["properties"]["risk_area"]["nullable"] is True
    assert "nullable" not in schemas["Arrival"]["properties"]["origin"]


@pytest.mark.parametrize("depth", [33, 400, 5000])
def test_json_nested_too_deeply_is_refused(api, depth):
    body = "[" * depth + "]" * depth
    response = api.post("/api/risk-areas/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply."}


def test_json_nested_within_the_limit_is_read_and_its_fields_judged(api):
    body = '{"division": "4201", "valid_from": "2020-01-23", "note": ' + "[" * 31 + "]" * 31 + "}"
    response = api.post("/api/risk-areas/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"note": ["Not a valid string."]}


def test_a_json_number_past_a_float_s_range_is_refused(api):
    response = api.post("/api/people/", '{"name": "王五", "household": 1e309}', content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - 1e309 is too large a number."}


def test_a_related_id_with_a_fraction_is_refused_not_rounded(api, tree):
    from fangkong.people.models import Household

    household = Household.objects.create(area=tree.grid, address="竹林关村一组1号")
    response = api.post(
        "/api/people/", {"name": "王五", "area": tree.grid.code, "household": household.pk + 0.5}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["household"] == ["Incorrect type. Expected pk value, received float."]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1889-12-31"])
def test_a_date_outside_plausible_years_is_refused_and_named(api, day):
    response = api.post("/api/risk-areas/", {"division": "4201", "valid_from": day}, format="json")
    assert response.status_code == 400
    assert response.json() == {"valid_from": ["Enter a date between 1890-01-01 and 2099-12-31."]}


@pytest.mark.parametrize("url", ["/api/reports/daily/?date=0001-01-01", "/api/reports/completeness/?to=0001-01-01"])
def test_a_report_of_a_day_outside_plausible_years_is_refused(api, tree, url):
    response = api.get(url + f"&area={tree.city.code}")
    assert response.status_code == 400
    assert "Enter a date between 1890-01-01 and 2099-12-31." in str(response.json())


def test_a_nul_character_in_a_field_is_refused_and_named(api):
    response = api.post("/api/risk-areas/", {"division": "42\x0001", "valid_from": "2020-01-23"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"division": ["Null characters are not allowed."]}


def test_a_nul_character_in_a_query_parameter_is_refused_and_named(api):
    response = api.get("/api/move-requests/", {"status": "pending\x00"})
    assert response.status_code == 400
    assert response.json() == {"status": ["Null characters are not allowed."]}


def test_a_nul_character_in_a_record_code_finds_nothing(api, tree):
    # PostgreSQL cannot even compare such a text: the lookup failed in the database.
    assert api.get("/api/areas/6110%00/").status_code == 404


def test_every_viewset_refuses_nul_characters():
    """A viewset that is not a ScopedViewSet still needs the guard: the fuzzing found one without it."""
    from fangkong.api import router
    from fangkong.core.api import RefuseNulMixin

    unguarded = [basename for _prefix, viewset, basename in router.registry if not issubclass(viewset, RefuseNulMixin)]
    assert unguarded == []


def test_every_model_serializer_builds_its_fields_once():
    """A serializer on DRF's ModelSerializer directly builds its fields by introspection at every request."""
    from rest_framework import serializers

    import fangkong.api  # noqa: F401 (every API module, with its serializers)
    from fangkong.core.serializers import ModelSerializer

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {cls for cls in subclasses(serializers.ModelSerializer) if cls.__module__.startswith("fangkong.")}
    assert ours and sorted(cls.__qualname__ for cls in ours if not issubclass(cls, ModelSerializer)) == []
