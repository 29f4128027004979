import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .. import indicators
from ..filters import DATE_INPUT
from .models import Alert


class AlertFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Alert.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Alert.Kind.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Alert.Level.choices)
    # The daily report's figures link here: alerts as they stood at the end of a day.
    open_on = django_filters.DateFilter(label=_("Open on"), method="filter_open_on", widget=DATE_INPUT)
    overdue_on = django_filters.DateFilter(label=_("Overdue on"), method="filter_overdue_on", widget=DATE_INPUT)

    class Meta:
        model = Alert
        fields = ["area", "status", "kind", "level", "open_on", "overdue_on"]

    def filter_open_on(self, queryset, name, value):
        return indicators.open_on(queryset, value)

    def filter_overdue_on(self, queryset, name, value):
        return indicators.overdue_on(queryset, value)
