"""Filters of help for households in difficulty: the needs (``status`` overdue: not delivered in time)
and the households in difficulty of an area."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.filters import AreaFilter, BaseFilterSet
from fangkong.people import difficulties
from fangkong.people.models import Household

from ..models import Need


class NeedFilterSet(BaseFilterSet):
    STATUS_CHOICES = [
        ("pending", pgettext_lazy("need", "not delivered")),
        ("overdue", pgettext_lazy("need", "overdue")),
        *Need.Status.choices,
    ]

    q = django_filters.CharFilter(label=_("Address"), field_name="household__address", lookup_expr="contains")
    area = AreaFilter(label=_("Area"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status")
    kind = django_filters.ChoiceFilter(label=_("Need"), choices=Need.Kind.choices)
    household = django_filters.NumberFilter(label=_("Household"), field_name="household_id")

    class Meta:
        model = Need
        fields = ["q", "area", "status", "kind", "household"]

    def filter_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue(timezone.now())
        if value == "pending":
            return queryset.pending()
        return queryset.filter(status=value)


class HelpHouseholdFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Address"), field_name="address", lookup_expr="contains")
    area = AreaFilter(label=_("Area"))
    difficulty = django_filters.ChoiceFilter(
        label=_("Difficulty"), choices=difficulties.ALL, method="filter_difficulty", empty_label=_("Any difficulty")
    )

    class Meta:
        model = Household
        fields = ["q", "area", "difficulty"]

    def filter_difficulty(self, queryset, name, value):
        return queryset.filter(difficulties.condition(value))
