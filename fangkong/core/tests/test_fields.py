"""The shared rules' fields: ID numbers, phones, the ID number against the sex and birth date typed
beside it, and dates that cannot be in the future. Each is written once (core.fields, core.validators)."""

import datetime
from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework import serializers

from fangkong.core.fields import IdNumberField, IdNumberSerializerField, PhoneField, PhoneSerializerField
from fangkong.core.validators import check_id_number_facts, not_in_future

MALE_1985 = "11010119850312005X"  # born 1985-03-12, odd 17th digit: male
TYPED_WITH_WRONG_CHECK = "110101198503120051"
CHECK_MESSAGE = "The check character of this ID number should be X, not 1: a digit was mistyped."
PHONE_MESSAGE = "Enter a mobile number (11 digits starting with 1) or a landline with its area code, e.g. 0914-2312345."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class PersonForm(forms.Form):
    id_number = IdNumberField(required=False)
    phone = PhoneField(required=False)


class PersonSerializer(serializers.Serializer):
    id_number = IdNumberSerializerField(masked=lambda person: person.masked_id, required=False, allow_blank=True)
    phone = PhoneSerializerField(masked=lambda person: person.masked_phone, required=False, allow_blank=True)


def test_the_form_fields_normalise_full_width_digits_spaces_and_prefixes():
    form = PersonForm({"id_number": "１１０１０１ 19850312005x", "phone": "+86 138 1234 5678"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"id_number": MALE_1985, "phone": "13812345678"}


def test_the_form_fields_leave_blank_as_blank():
    form = PersonForm({"id_number": "  ", "phone": ""})
    assert form.is_valid() and form.cleaned_data == {"id_number": "", "phone": ""}


def test_the_form_fields_give_the_normalisers_messages():
    form = PersonForm({"id_number": TYPED_WITH_WRONG_CHECK, "phone": "12345"})
    assert form.errors == {"id_number": [CHECK_MESSAGE], "phone": [PHONE_MESSAGE]}


def test_the_serializer_fields_normalise_and_give_the_same_messages():
    good = PersonSerializer(data={"id_number": "11010119850312005x", "phone": "0086 13812345678"})
    assert good.is_valid(), good.errors
    assert dict(good.validated_data) == {"id_number": MALE_1985, "phone": "13812345678"}
    bad = PersonSerializer(data={"id_number": TYPED_WITH_WRONG_CHECK, "phone": "12345"})
    assert not bad.is_valid()
    assert bad.errors == {"id_number": [CHECK_MESSAGE], "phone": [PHONE_MESSAGE]}


def test_a_masked_value_sent_back_on_an_update_counts_as_not_sent():
    person = SimpleNamespace(masked_id="1101**********005X", masked_phone="138****5678")
    serializer = PersonSerializer(person, data={"id_number": "1101**********005x", "phone": "138****5678"})
    assert serializer.is_valid(), serializer.errors
    assert dict(serializer.validated_data) == {}


def test_a_masked_value_is_not_a_new_value_on_a_create():
    serializer = PersonSerializer(data={"id_number": "1101**********005X"})
    assert not serializer.is_valid()
    assert serializer.errors["id_number"] == ["An ID number is 17 digits followed by a digit or X."]


def test_the_id_number_fills_in_a_blank_sex_and_birth_date():
    data = {"sex": "unknown", "birth_date": None}
    assert check_id_number_facts(MALE_1985, data) == {"sex": "male", "birth_date": datetime.date(1985, 3, 12)}


def test_a_sex_and_birth_date_that_contradict_the_id_number_are_refused_naming_each_field():
    with pytest.raises(ValidationError) as excinfo:
        check_id_number_facts(MALE_1985, {"sex": "female", "birth_date": datetime.date(1985, 3, 13)})
    assert excinfo.value.message_dict == {
        "sex": ["The ID number says male."],
        "birth_date": ["The ID number says 1985-03-12."],
    }


def test_the_birth_date_is_left_alone_where_it_is_not_asked_for():
    data = {"sex": "", "birth_date": datetime.date(2000, 1, 1)}
    assert check_id_number_facts(MALE_1985, data, birth_date=False)["birth_date"] == datetime.date(2000, 1, 1)


def test_without_an_id_number_nothing_is_checked():
    assert check_id_number_facts("", {"sex": "female"}) == {"sex": "female"}


def test_a_date_after_today_is_refused_and_today_is_not():
    today = datetime.date(2024, 6, 1)
    assert not_in_future(today, today) == today
    with pytest.raises(ValidationError) as excinfo:
        not_in_future(datetime.date(2024, 6, 2), today)
    assert excinfo.value.messages == ["2024-06-02 is in the future: today is 2024-06-01."]


def test_api_dates_and_times_outside_plausible_years_are_refused():
    from rest_framework.exceptions import ValidationError as Refused

    from fangkong.core.serializers import DateField, DateTimeField

    message = "Enter a date between 1890-01-01 and 2099-12-31."
    for field, value in [
        (DateTimeField(), "0001-01-01"),  # midnight of year 1 in China is before UTC's first day
        (DateTimeField(), "0001-01-01T00:00"),
        (DateTimeField(), "9999-12-31T23:59:59Z"),
        (DateField(), "1889-12-31"),
        (DateField(), "2100-01-01"),
    ]:
        with translation.override("en"), pytest.raises(Refused) as refused:
            field.run_validation(value)
        assert refused.value.detail == [message], value
    assert DateField().run_validation("2020-01-23") == datetime.date(2020, 1, 23)
    assert DateTimeField().run_validation("1890-01-02T08:00+08:00").year == 1890


def test_form_dates_and_times_outside_plausible_years_are_refused():
    from fangkong.core.forms import StyledForm

    class Form(StyledForm):
        on = forms.DateField(required=False)
        at = forms.DateTimeField(required=False)

    with translation.override("en"):
        form = Form({"on": "0001-01-01", "at": "0001-01-01T00:00"})
        assert not form.is_valid()
        assert form.errors == {
            "on": ["Enter a date between 1890-01-01 and 2099-12-31."],
            "at": ["Enter a date between 1890-01-01 and 2099-12-31."],
        }
        assert Form({"on": "2020-01-23", "at": "2020-01-23T08:00"}).is_valid()
