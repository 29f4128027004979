"""Form and serializer fields for the rules every app's records share: ID numbers and phones.

Each calls the one normaliser of ``core.validators``, so a web form, an API serializer and an import
give the same message for the same mistake. Blank is "" (these fields are optional unless told).
"""

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.fields import SkipField

from .validators import normalise_id_number, normalise_phone


class IdNumberField(forms.CharField):
    """A resident ID number, normalised (full-width digits, spaces, lower-case x)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        attrs = {"autocomplete": "off", "inputmode": "text", "maxlength": "18"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_id_number(value) if value else ""


class PhoneField(forms.CharField):
    """A mainland mobile or landline, normalised."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_phone(value) if value else ""


def sent_back_masked(value, masked):
    """Whether ``value`` is the masked value the API gave out (6110**********123X, 138****5678).

    A client that reads a record and sends it back unchanged sends the masked values: they mean
    "unchanged", never a new value.
    """
    return value.strip().upper() == (masked or "").upper()


class MaskedReadBackField(serializers.CharField):
    """A field the API reads back masked: on an update, the masked value sent back counts as not sent.

    ``masked`` gives the instance's masked value; the parent serializer's instance is the record.
    """

    normalise = None

    def __init__(self, masked=None, **kwargs):
        self.masked = masked
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        instance = getattr(self.parent, "instance", None)
        if self.masked is not None and instance is not None and sent_back_masked(value, self.masked(instance)):
            raise SkipField
        if not value:
            return ""
        try:
            return self.normalise(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class IdNumberSerializerField(MaskedReadBackField):
    """A resident ID number, normalised; ``masked=lambda record: ...`` for one read back masked."""

    normalise = staticmethod(normalise_id_number)


class PhoneSerializerField(MaskedReadBackField):
    """A mainland mobile or landline, normalised; ``masked=lambda record: ...`` for one read back masked."""

    normalise = staticmethod(normalise_phone)
