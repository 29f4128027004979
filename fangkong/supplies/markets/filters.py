import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import Adequacy, BasketItem, Inspection, Market, Price, Problem


class BasketItemFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = BasketItem
        fields = ["q"]


class MarketFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Market.Kind.choices)

    class Meta:
        model = Market
        fields = ["q", "area", "kind"]


class InspectionFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    market = django_filters.NumberFilter(label=_("Market"), field_name="market_id")
    since = django_filters.DateFilter(label=_("From"), field_name="inspected_on", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="inspected_on", lookup_expr="lte")
    jumps = django_filters.BooleanFilter(label=_("With price jumps"), field_name="jumps", method="filter_jumps")

    class Meta:
        model = Inspection
        fields = ["area", "market", "since", "until", "jumps"]

    def filter_jumps(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(jumps__gt=0) if value else queryset.filter(jumps=0)


class PriceFilterSet(BaseFilterSet):
    """The list page, its export and /api/prices/: ``item`` is the basket item's code."""

    area = AreaFilter(label=_("Area"))
    item = django_filters.ModelChoiceFilter(label=_("Item"), queryset=BasketItem.objects.all(), to_field_name="code")
    market = django_filters.NumberFilter(label=_("Market"), field_name="inspection__market_id")
    since = django_filters.DateFilter(label=_("From"), field_name="priced_on", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="priced_on", lookup_expr="lte")
    jumped = django_filters.BooleanFilter(label=_("Price jump"))
    stock = django_filters.ChoiceFilter(label=_("Stock"), choices=Adequacy.choices)

    class Meta:
        model = Price
        fields = ["area", "item", "market", "since", "until", "jumped", "stock"]


class ProblemFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    market = django_filters.NumberFilter(label=_("Market"), field_name="market_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Problem.Status.choices)
    overdue_on = django_filters.DateFilter(label=_("Open past the deadline on"), method="filter_overdue_on")

    class Meta:
        model = Problem
        fields = ["area", "market", "status", "overdue_on"]

    def filter_overdue_on(self, queryset, name, value):
        return queryset.filter(status=Problem.Status.OPEN, rectify_by__lt=value) if value else queryset
