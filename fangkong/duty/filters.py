"""One filterset per model: list page, export and API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import (
    DutyLogEntry,
    DutyRoster,
    MissingRoster,
    PioneerPost,
    PostKind,
    ResponsibilityZone,
    Volunteer,
    VolunteerShift,
    VolunteerTeam,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class RosterFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("Until"), field_name="date", lookup_expr="lte", widget=DATE_INPUT)

    class Meta:
        model = DutyRoster
        fields = ["area", "date_from", "date_to"]


class MissingRosterFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))

    class Meta:
        model = MissingRoster
        fields = ["area"]


class LogFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DutyLogEntry.Kind.choices)
    pending = django_filters.BooleanFilter(label=_("Hand-over not acknowledged"), method="filter_pending")

    class Meta:
        model = DutyLogEntry
        fields = ["area", "kind", "pending"]

    def filter_pending(self, queryset, name, value):
        pending = queryset.filter(kind=DutyLogEntry.Kind.HANDOVER, acknowledged_at__isnull=True)
        return pending if value else queryset.exclude(pk__in=pending.values("pk"))


class PostFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PostKind.choices)

    class Meta:
        model = PioneerPost
        fields = ["q", "area", "kind"]


class ZoneFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))

    class Meta:
        model = ResponsibilityZone
        fields = ["q", "area"]


class TeamFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))

    class Meta:
        model = VolunteerTeam
        fields = ["q", "area"]


class VolunteerFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    team = django_filters.NumberFilter(label=_("Team (id)"), field_name="team")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Volunteer.Status.choices)

    class Meta:
        model = Volunteer
        fields = ["q", "area", "team", "status"]


class ShiftFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    team = django_filters.NumberFilter(label=_("Team (id)"), field_name="team")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=VolunteerShift.Kind.choices)
    date = django_filters.DateFilter(label=_("Date"), field_name="starts_at", lookup_expr="date", widget=DATE_INPUT)

    class Meta:
        model = VolunteerShift
        fields = ["area", "team", "kind", "date"]
