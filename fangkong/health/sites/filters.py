import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import Site


class SiteFilterSet(BaseFilterSet):
    """Needs the rows ``with_occupancy`` (the list page and the API give them so)."""

    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Site.Kind.choices)
    has_free_beds = django_filters.BooleanFilter(label=_("Has free beds"), method="filter_free_beds")
    active = django_filters.BooleanFilter(label=_("In use"))

    class Meta:
        model = Site
        fields = ["q", "area", "kind", "has_free_beds", "active"]

    def filter_free_beds(self, queryset, name, value):
        return queryset.filter(free_beds__gt=0) if value else queryset.filter(free_beds__lte=0)
