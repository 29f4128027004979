"""One filterset per model: list page, export and API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import Check, Episode, Protocol

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ProtocolFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Protocol
        fields = ["q"]


class EpisodeFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Episode.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Episode.Kind.choices)
    site = django_filters.NumberFilter(label=_("Isolation site (id)"), field_name="site")

    class Meta:
        model = Episode
        fields = ["area", "status", "kind", "site"]


class CheckFilterSet(BaseFilterSet):
    person = django_filters.NumberFilter(label=_("Person (id)"), field_name="person")
    area = AreaFilter(label=_("Area"))
    date = django_filters.DateFilter(label=_("Date"), field_name="taken_on", widget=DATE_INPUT)
    fever = django_filters.BooleanFilter(label=_("Fever"), field_name="is_fever")

    class Meta:
        model = Check
        fields = ["person", "area", "date", "fever"]
