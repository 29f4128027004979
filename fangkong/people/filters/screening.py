"""Screening rounds."""

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from ..models import ScreeningRound


class ScreeningRoundFilterSet(BaseFilterSet):
    STATUS_CHOICES = [("open", _("open")), ("overdue", _("overdue")), ("closed", _("closed"))]

    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status")
    area = AreaFilter(label=_("Area"), help_text=_("Rounds in this area"))

    class Meta:
        model = ScreeningRound
        fields = ["q", "status", "area"]

    def filter_status(self, queryset, name, value):
        today = datetime.date.today()
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        if value == "overdue":
            return queryset.filter(closed_on__isnull=True, deadline__lt=today)
        return queryset.filter(closed_on__isnull=True, deadline__gte=today)
