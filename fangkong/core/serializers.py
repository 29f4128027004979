"""The base of every API serializer built from a model."""

import copy

from rest_framework import serializers


# DRF's ModelSerializer with its fields built from the model once per class instead of once per request.
# DRF builds them by introspecting the model (field mapping, validators, choices) every time a serializer
# is made, which was the largest piece of an API create's own time (docs/benchmarks.md); here each request
# gets a deep copy of the fields built the first time, as DRF already does for the declared ones. The
# fields depend only on the class (its Meta, its declared fields and the model), so a subclass that needs
# per-request fields adjusts them after ``get_fields``, never inside it. (A comment, not a docstring: the
# API schema would describe every serializer without its own docstring with this text.)
class ModelSerializer(serializers.ModelSerializer):

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return copy.deepcopy(built)
