"""The base of every API serializer built from a model."""

import copy

from django.db import models
from rest_framework import serializers

from .validators import implausible_date, validate_plausible_date


class DateField(serializers.DateField):
    """DRF's, taking only dates of plausible years (``validate_plausible_date``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [*self.validators, validate_plausible_date]


class DateTimeField(serializers.DateTimeField):
    """DRF's, taking only times of plausible years. A time early on the first day of year 1 has no UTC
    equivalent: DRF's conversion of a time without its zone meets it with an OverflowError (a 500)
    before any validator runs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [*self.validators, validate_plausible_date]

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            raise self.implausible() from None
        except serializers.ValidationError as error:
            if any(getattr(detail, "code", None) == "overflow" for detail in error.detail):
                raise self.implausible() from None  # DRF's own "out of range", for a time with its zone
            raise

    def implausible(self):
        return serializers.ValidationError(implausible_date().messages, code="date_out_of_range")


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's, refusing an id that is not a whole number: the lookup would read 44.9 as record 44."""

    def to_internal_value(self, data):
        self.refuse_fraction(data)
        return super().to_internal_value(data)

    def refuse_fraction(self, data):
        if isinstance(data, float) and not data.is_integer():
            self.fail("incorrect_type", data_type=type(data).__name__)


# DRF's ModelSerializer with its fields built from the model once per class instead of once per request.
# DRF builds them by introspecting the model (field mapping, validators, choices) every time a serializer
# is made, which was the largest piece of an API create's own time (docs/benchmarks.md); here each request
# gets a deep copy of the fields built the first time, as DRF already does for the declared ones. The
# fields depend only on the class (its Meta, its declared fields and the model), so a subclass that needs
# per-request fields adjusts them after ``get_fields``, never inside it. (A comment, not a docstring: the
# API schema would describe every serializer without its own docstring with this text.)
class ModelSerializer(serializers.ModelSerializer):
    serializer_related_field = PrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
    }

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return copy.deepcopy(built)
