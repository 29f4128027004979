import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.filters import AreaFilter, BaseFilterSet

from . import indicators
from .models import Checkpoint, CheckpointShift, HandOver, Passage, Traveller

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CheckpointFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Checkpoint.Kind.choices)

    class Meta:
        model = Checkpoint
        fields = ["q", "area", "kind"]


class ShiftFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    checkpoint = django_filters.NumberFilter(label=_("Checkpoint"), field_name="checkpoint_id")
    day = django_filters.DateFilter(label=_("Day"), method="filter_day", widget=DATE_INPUT)

    class Meta:
        model = CheckpointShift
        fields = ["area", "checkpoint", "day"]

    def filter_day(self, queryset, name, value):
        start = timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
        return queryset.filter(starts_at__lt=start + datetime.timedelta(days=1), ends_at__gt=start)


class PassageFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Plate"), field_name="plate", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    checkpoint = django_filters.NumberFilter(label=_("Checkpoint"), field_name="checkpoint_id")
    day = django_filters.DateFilter(label=_("Day"), method="filter_day", widget=DATE_INPUT)

    class Meta:
        model = Passage
        fields = ["q", "area", "checkpoint", "day"]

    def filter_day(self, queryset, name, value):
        return queryset.filter(indicators.passed_on(value))


class TravellerFilterSet(BaseFilterSet):
    """The people who passed; ``outside`` lists those let through to a place outside the city."""

    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    checkpoint = django_filters.NumberFilter(label=_("Checkpoint"), field_name="passage__checkpoint_id")
    day = django_filters.DateFilter(label=_("Day"), method="filter_day", widget=DATE_INPUT)
    decision = django_filters.ChoiceFilter(label=_("Decision"), choices=Traveller.Decision.choices)
    fever = django_filters.BooleanFilter(label=_("Fever"))
    outside = django_filters.BooleanFilter(label=_("Bound outside the city"), method="filter_outside")

    class Meta:
        model = Traveller
        fields = ["q", "area", "checkpoint", "day", "decision", "fever", "outside"]

    def filter_day(self, queryset, name, value):
        return queryset.filter(indicators.passed_on(value, "passage__"))

    def filter_outside(self, queryset, name, value):
        outside = Q(destination__isnull=True, decision=Traveller.Decision.LET_THROUGH)
        return queryset.filter(outside) if value else queryset.exclude(outside)


class HandOverFilterSet(BaseFilterSet):
    """The inbox: ``status`` overdue is pending past its limit, pending the ones still in time."""

    STATUS_CHOICES = [
        (HandOver.Status.PENDING, HandOver.Status.PENDING.label),
        ("overdue", pgettext_lazy("hand-over", "overdue")),
        (HandOver.Status.ACCEPTED, HandOver.Status.ACCEPTED.label),
        (HandOver.Status.NOT_ARRIVED, HandOver.Status.NOT_ARRIVED.label),
    ]

    q = django_filters.CharFilter(label=_("Name"), field_name="traveller__name", lookup_expr="icontains")
    area = AreaFilter(label=_("Village"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status")
    checkpoint = django_filters.NumberFilter(label=_("Checkpoint"), field_name="checkpoint_id")
    # The daily report's figures link here: hand-overs as they stood at the end of a day.
    pending_on = django_filters.DateFilter(label=_("Pending on"), method="filter_pending_on", widget=DATE_INPUT)
    overdue_on = django_filters.DateFilter(label=_("Overdue on"), method="filter_overdue_on", widget=DATE_INPUT)

    class Meta:
        model = HandOver
        fields = ["q", "area", "status", "checkpoint", "pending_on", "overdue_on"]

    def filter_pending_on(self, queryset, name, value):
        return queryset.filter(indicators.handover_pending(value))

    def filter_overdue_on(self, queryset, name, value):
        return queryset.filter(indicators.handover_overdue(value))

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(status=HandOver.Status.PENDING, due_at__lte=now)
        if value == HandOver.Status.PENDING:
            return queryset.filter(status=value, due_at__gt=now)
        return queryset.filter(status=value)
