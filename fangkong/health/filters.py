"""One filterset per model: list page, export and API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from . import indicators
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
    # The daily report's figures link here: observation started, running or ended on a day.
    started = django_filters.DateFilter(label=_("Started on"), field_name="start_on", widget=DATE_INPUT)
    observed_on = django_filters.DateFilter(
        label=_("Under observation on"), method="filter_observed_on", widget=DATE_INPUT
    )
    ended = django_filters.DateFilter(label=_("Ended on"), field_name="ended_on", widget=DATE_INPUT)

    class Meta:
        model = Episode
        fields = ["area", "status", "kind", "site", "started", "observed_on", "ended"]

    def filter_observed_on(self, queryset, name, value):
        return indicators.observed_on(queryset, value)


class CheckFilterSet(BaseFilterSet):
    person = django_filters.NumberFilter(label=_("Person (id)"), field_name="person")
    area = AreaFilter(label=_("Area"))
    date = django_filters.DateFilter(label=_("Date"), field_name="taken_on", widget=DATE_INPUT)
    fever = django_filters.BooleanFilter(label=_("Fever"), field_name="is_fever")

    class Meta:
        model = Check
        fields = ["person", "area", "date", "fever"]
