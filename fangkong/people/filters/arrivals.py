"""Arrivals and the people who still need observation."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.filters import search_divisions
from fangkong.areas.forms import DivisionWidget
from fangkong.areas.models import Division
from fangkong.core.filters import AreaFilter, BaseFilterSet

from ..models import Arrival, KeyPersonTag, Person
from .persons import ExactIdLookupMixin

YES_NO = [("true", _("yes")), ("false", _("no"))]


class ArrivalFilterSet(ExactIdLookupMixin, BaseFilterSet):
    q = django_filters.CharFilter(
        label=pgettext_lazy("person", "Name"), method="filter_q", help_text=_("Name, pinyin or initials")
    )
    area = AreaFilter(label=_("Area"))
    origin = django_filters.CharFilter(
        label=_("Coming from"),
        method="filter_origin",
        help_text=_("A province, prefecture or county: its code (2, 4 or 6 digits) or name."),
        widget=DivisionWidget(Division.Level.values),
    )
    risk = django_filters.ChoiceFilter(label=_("From a risk area"), choices=YES_NO, method="filter_risk")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Arrival.Kind.choices)
    arrived_after = django_filters.DateFilter(
        label=_("Arrived on or after"),
        field_name="arrived_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    arrived_before = django_filters.DateFilter(
        label=_("Arrived on or before"),
        field_name="arrived_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Arrival
        fields = ["q", "area", "origin", "risk", "kind", "arrived_after", "arrived_before"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(person__in=Person.objects.search(value).values("pk"))

    def filter_origin(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():  # a division's code: everything inside it
            return queryset.filter(origin__code__startswith=value)
        return queryset.filter(origin__in=search_divisions(Division.objects.all(), value).values("pk"))

    def filter_risk(self, queryset, name, value):
        return queryset.filter(risk_area__isnull=value != "true")


class NeedsObservationFilterSet(BaseFilterSet):
    """People flagged from a risk area or as close contacts with no observation episode yet."""

    area = AreaFilter(label=_("Area"))
    tag = django_filters.ChoiceFilter(
        label=_("Reason"),
        method="filter_tag",
        choices=[
            (KeyPersonTag.FROM_RISK_AREA, _("from a risk area")),
            (KeyPersonTag.CLOSE_CONTACT, _("close contact")),
        ],
    )

    class Meta:
        model = Person
        fields = ["area", "tag"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__code=value)
