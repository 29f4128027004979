import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import Alert


class AlertFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Alert.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Alert.Kind.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Alert.Level.choices)

    class Meta:
        model = Alert
        fields = ["area", "status", "kind", "level"]
