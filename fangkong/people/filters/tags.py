"""Key-person categories."""

import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import BaseFilterSet

from ..models import KeyPersonTag


class KeyPersonTagFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = KeyPersonTag
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(name_en__icontains=value))
