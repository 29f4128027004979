import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import Allocation, AllocationLine, Donation, Item, MoveKind, Stock, StockMove, Store


class ItemFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Item.Category.choices)

    class Meta:
        model = Item
        fields = ["q", "category"]


class StoreFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Store.Kind.choices)

    class Meta:
        model = Store
        fields = ["q", "area", "kind"]


class StockFilterSet(BaseFilterSet):
    """Needs the rows ``with_levels``."""

    area = AreaFilter(label=_("Area"))
    store = django_filters.NumberFilter(label=_("Store"), field_name="store_id")
    item = django_filters.ModelChoiceFilter(label=_("Item"), queryset=Item.objects.all())
    low = django_filters.BooleanFilter(label=_("Low"))

    class Meta:
        model = Stock
        fields = ["area", "store", "item", "low"]


class StockMoveFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    store = django_filters.NumberFilter(label=_("Store"), field_name="store_id")
    item = django_filters.ModelChoiceFilter(label=_("Item"), queryset=Item.objects.all())
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MoveKind.choices)
    moved_after = django_filters.DateFilter(label=_("From"), field_name="moved_on", lookup_expr="gte")
    moved_before = django_filters.DateFilter(label=_("Until"), field_name="moved_on", lookup_expr="lte")

    class Meta:
        model = StockMove
        fields = ["area", "store", "item", "kind", "moved_after", "moved_before"]


class AllocationFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    item = django_filters.ModelChoiceFilter(label=_("Item"), queryset=Item.objects.all())
    donated = django_filters.BooleanFilter(
        label=_("Donated goods"), field_name="donation", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Allocation
        fields = ["area", "item", "donated"]


class ReceiptFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    pending = django_filters.BooleanFilter(
        label=_("Not confirmed"), field_name="received_quantity", lookup_expr="isnull"
    )

    class Meta:
        model = AllocationLine
        fields = ["area", "pending"]


class DonationFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Donor"), field_name="donor_name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Donation.Kind.choices)
    use = django_filters.ChoiceFilter(label=_("Designated use"), choices=Donation.Use.choices)
    receipt_number = django_filters.CharFilter(label=_("Receipt number"))

    class Meta:
        model = Donation
        fields = ["q", "area", "kind", "use", "receipt_number"]
