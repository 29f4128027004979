"""core.api.exception_handler: the services' refusals in DRF's shape, for every endpoint."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from fangkong.core.api import exception_handler
from fangkong.core.services import ConcurrentEdit, OutOfScope


def test_a_stale_version_is_409_naming_the_version_field():
    response = exception_handler(ConcurrentEdit("Someone else saved it."), {})
    assert response.status_code == 409
    assert response.data == {"version": ["Someone else saved it."]}


def test_a_service_refusal_is_400_with_each_message_under_its_field():
    refusal = ValidationError({"id_number": "Registered elsewhere.", "__all__": "Check both."})
    response = exception_handler(refusal, {})
    assert response.status_code == 400
    assert response.data == {"id_number": ["Registered elsewhere."], "non_field_errors": ["Check both."]}


def test_a_refusal_naming_no_field_is_a_non_field_error():
    response = exception_handler(ValidationError("Only the person's current area decides."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Only the person's current area decides."]}


def test_out_of_scope_names_the_area_field():
    response = exception_handler(OutOfScope({"area": "You cannot put a record outside your own area."}), {})
    assert response.status_code == 400 and list(response.data) == ["area"]


def test_other_errors_are_left_to_drf():
    assert exception_handler(KeyError("boom"), {}) is None


def test_a_record_not_found_is_told_in_the_users_language_without_the_model_name():
    # get_object_or_404's text is English and names the model ("No Person matches the given query.").
    with translation.override("zh-hans"):
        response = exception_handler(Http404("No Person matches the given query."), {})
        assert response.status_code == 404
        assert response.data == {"detail": "未找到。"}
