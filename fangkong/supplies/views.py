"""Pages of supplies and donations: catalogue, stores, stock, the ledger, allocations with their
receipts, donations with their printable receipt, and each county's public donations page."""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from fangkong.areas.models import Area
from fangkong.core.roles import Action
from fangkong.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import services
from .filters import (
    AllocationFilterSet,
    DonationFilterSet,
    ItemFilterSet,
    ReceiptFilterSet,
    StockFilterSet,
    StockMoveFilterSet,
    StoreFilterSet,
)
from .forms import (
    AllocationForm,
    ConfirmReceiptForm,
    DonationForm,
    GoodsFormSet,
    ItemForm,
    StockForm,
    StockMoveForm,
    StoreForm,
    goods_of,
)
from .models import Allocation, AllocationLine, Donation, Item, Stock, StockMove, Store
from .tables import AllocationTable, DonationTable, ItemTable, ReceiptTable, StockMoveTable, StockTable, StoreTable


class ItemListView(ObjectListView):
    template_name = "supplies/object_list.html"
    model = Item
    table_class = ItemTable
    filterset_class = ItemFilterSet
    title = gettext_lazy("Supply items")
    add_url = reverse_lazy("supplies:item-add")


class ItemEditView(ObjectEditView):
    model = Item
    form_class = ItemForm
    success_url = reverse_lazy("supplies:item-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.success_url, **kwargs)


class StoreListView(ObjectListView):
    template_name = "supplies/object_list.html"
    model = Store
    table_class = StoreTable
    filterset_class = StoreFilterSet
    title = gettext_lazy("Stores")
    add_url = reverse_lazy("supplies:store-add")

    def get_queryset(self):
        return super().get_queryset().select_related("area__parent")


class StoreView(ObjectDetailView):
    """A store's stock per item (derived from its ledger), its pending receipts and last moves."""

    model = Store
    template_name = "supplies/store_detail.html"

    def get_context_data(self, **kwargs):
        store = self.object
        user = self.request.user
        return super().get_context_data(
            title=str(store),
            stocks=Stock.objects.filter(store=store).with_levels().select_related("item").order_by("item__code"),
            pending=store.receipts.filter(received_quantity__isnull=True).select_related(
                "allocation__from_store", "allocation__item"
            ),
            moves=store.moves.select_related("item", "to_store")[:20],
            can_move=StockMove.objects.restrict(user, Action.ADD).filter(store=store).exists()
            or self.user_can(Action.CHANGE, store),
            can_change=self.user_can(Action.CHANGE, store),
            **kwargs,
        )


class StoreEditView(ObjectEditView):
    model = Store
    form_class = StoreForm

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("supplies:store-list"), **kwargs)


class StockListView(ObjectListView):
    """Stock per store and item, summed from the ledger; ``?low=true`` is the low-stock list."""

    template_name = "supplies/object_list.html"
    model = Stock
    table_class = StockTable
    filterset_class = StockFilterSet
    title = gettext_lazy("Stock")
    exact_count = False  # a city's 400,000 rows: pages look ahead instead of counting (docs/benchmarks.md)
    empty_text = gettext_lazy("No store holds anything yet: record a purchase or a donation.")

    def get_queryset(self):
        return super().get_queryset().with_levels().select_related("store", "item")


class StockEditView(ObjectEditView):
    model = Stock
    form_class = StockForm

    def get_success_url(self):
        return self.object.store.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Safety level of %(stock)s") % {"stock": self.object}, cancel_url=self.get_success_url(), **kwargs
        )


class StockMoveListView(ObjectListView):
    template_name = "supplies/object_list.html"
    model = StockMove
    table_class = StockMoveTable
    filterset_class = StockMoveFilterSet
    title = gettext_lazy("Stock moves")
    add_url = reverse_lazy("supplies:move-add")

    def get_queryset(self):
        return super().get_queryset().select_related("store", "item", "to_store")


class StockMoveAddView(ObjectEditView):
    model = StockMove
    form_class = StockMoveForm

    def get_initial(self):
        return {name: self.request.GET[name] for name in ("store", "item", "kind") if name in self.request.GET}

    def save(self, form):
        return services.record_move(form.instance, self.request.user)[0]

    def get_success_url(self):
        return self.object.store.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Record a stock move"), cancel_url=reverse("supplies:move-list"), **kwargs
        )


class AllocationListView(ObjectListView):
    template_name = "supplies/object_list.html"
    model = Allocation
    table_class = AllocationTable
    filterset_class = AllocationFilterSet
    title = gettext_lazy("Allocations")
    add_url = reverse_lazy("supplies:allocation-add")

    def get_queryset(self):
        return super().get_queryset().select_related("from_store", "item", "donation")


class AllocationView(ObjectDetailView):
    model = Allocation
    template_name = "supplies/allocation_detail.html"

    def get_context_data(self, **kwargs):
        lines = list(self.object.lines.select_related("to_store"))
        confirmable = set(
            AllocationLine.objects.restrict(self.request.user, Action.CHANGE)
            .filter(pk__in=[line.pk for line in lines])
            .values_list("pk", flat=True)
        )
        for line in lines:
            line.confirmable = line.pk in confirmable and line.received_quantity is None
        return super().get_context_data(title=str(self.object), lines=lines, **kwargs)


class AllocationAddView(ObjectEditView):
    """One form: the store giving, the item and a total; then a row per store of the areas right
    below, prefilled in proportion to the people under observation there, each row editable."""

    model = Allocation
    form_class = AllocationForm
    template_name = "supplies/allocation_form.html"

    def rows(self, form):
        store = form.instance.from_store if form.instance.from_store_id else None
        if store is None:
            return []
        stores = services.child_stores(store)
        total = self.total()
        shares = services.proportional(total, [row.observed for row in stores]) if total else [0] * len(stores)
        for row, share in zip(stores, shares, strict=True):
            row.field = f"qty-{row.pk}"
            row.value = self.request.POST.get(row.field, share) if self.request.method == "POST" else share
        return stores

    def total(self):
        raw = (self.request.POST if self.request.method == "POST" else self.request.GET).get("total", "")
        return int(raw) if raw.isdigit() and len(raw) < 9 else 0

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and "from_store" in self.request.GET:
            kwargs["data"] = self.request.GET  # the first step: show the rows for this store
        return kwargs

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        if form.is_bound:
            form.is_valid()  # fills form.instance for the rows; errors show once saved
        return self.render_to_response(self.get_context_data(form=form))

    def save(self, form):
        lines = []
        for row in self.rows(form):
            raw = self.request.POST.get(row.field, "").strip() or "0"
            lines.append((row, int(raw) if raw.isdigit() and len(raw) < 9 else 0))
        return services.allocate(form.instance, lines, self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        return super().get_context_data(
            title=_("Allocate supplies"),
            rows=self.rows(form),
            total=self.total() or "",
            cancel_url=reverse("supplies:allocation-list"),
            **kwargs,
        )


class ReceiptListView(ObjectListView):
    template_name = "supplies/object_list.html"
    model = AllocationLine
    table_class = ReceiptTable
    filterset_class = ReceiptFilterSet
    title = gettext_lazy("Receipts")

    def get_queryset(self):
        return super().get_queryset().select_related("to_store", "allocation__from_store", "allocation__item")


class ReceiptConfirmView(ObjectEditView):
    model = AllocationLine
    form_class = ConfirmReceiptForm

    def save(self, form):
        data = form.cleaned_data
        return services.confirm_receipt(
            self.object, data["received_quantity"], self.request.user, data.get("received_note", "")
        )

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        line = self.object
        return super().get_context_data(
            title=_("Confirm receipt: %(quantity)d %(unit)s of %(item)s from %(store)s")
            % {
                "quantity": line.quantity,
                "unit": line.allocation.item.unit,
                "item": line.allocation.item.name,
                "store": line.allocation.from_store,
            },
            cancel_url=line.get_absolute_url(),
            **kwargs,
        )


class DonationListView(ObjectListView):
    template_name = "supplies/object_list.html"
    model = Donation
    table_class = DonationTable
    filterset_class = DonationFilterSet
    title = gettext_lazy("Donations")
    add_url = reverse_lazy("supplies:donation-add")

    def get_queryset(self):
        return super().get_queryset().select_related("area__parent")


class DonationView(ObjectDetailView):
    model = Donation
    template_name = "supplies/donation_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=str(self.object),
            goods=self.object.moves.select_related("item"),
            allocations=self.object.allocations.select_related("from_store", "item").prefetch_related(
                "lines__to_store"
            ),
            **kwargs,
        )


class DonationReceiptView(DonationView):
    """The receipt (收据) on an A5 page, for printing."""

    template_name = "supplies/donation_receipt.html"


class DonationAddView(ObjectEditView):
    model = Donation
    form_class = DonationForm
    template_name = "supplies/donation_form.html"
    goods = None

    def goods_formset(self):
        if self.goods is None:
            self.goods = GoodsFormSet(self.request.POST if self.request.method == "POST" else None, prefix="goods")
        return self.goods

    def form_valid(self, form):
        if not self.goods_formset().is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def save(self, form):
        return services.receive_donation(form.instance, goods_of(self.goods_formset()), self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Record a donation"),
            goods=self.goods_formset(),
            cancel_url=reverse("supplies:donation-list"),
            **kwargs,
        )


@never_cache
def public_donations(request, code):
    """A county's donations in public (公示), without login: totals, by use, and where donated goods
    went. Donors are named only where they agreed; the rest are 爱心人士."""
    county = get_object_or_404(Area, code=code, level=Area.Level.COUNTY)
    with transaction.atomic():
        donations = Donation.objects.filter(county_path=county.path)
        listed = donations.prefetch_related(Prefetch("moves", queryset=StockMove.objects.select_related("item")))
        passed_on = (
            Allocation.objects.filter(donation__in=donations)
            .select_related("from_store", "item", "donation")
            .prefetch_related("lines__to_store")
        )
        return render(
            request,
            "supplies/public_donations.html",
            {
                "county": county,
                "totals": services.donation_totals(donations),
                "donations": listed[:500],
                "passed_on": passed_on,
            },
        )


urlpatterns = [
    path("items/", ItemListView.as_view(), name="item-list"),
    path("items/add/", ItemEditView.as_view(), name="item-add"),
    path("items/<int:pk>/edit/", ItemEditView.as_view(), name="item-edit"),
    path("stores/", StoreListView.as_view(), name="store-list"),
    path("stores/add/", StoreEditView.as_view(), name="store-add"),
    path("stores/<int:pk>/", StoreView.as_view(), name="store"),
    path("stores/<int:pk>/edit/", StoreEditView.as_view(), name="store-edit"),
    path("stock/", StockListView.as_view(), name="stock-list"),
    path("stock/<int:pk>/edit/", StockEditView.as_view(), name="stock-edit"),
    path("moves/", StockMoveListView.as_view(), name="move-list"),
    path("moves/add/", StockMoveAddView.as_view(), name="move-add"),
    path("allocations/", AllocationListView.as_view(), name="allocation-list"),
    path("allocations/add/", AllocationAddView.as_view(), name="allocation-add"),
    path("allocations/<int:pk>/", AllocationView.as_view(), name="allocation"),
    path("receipts/", ReceiptListView.as_view(), name="receipt-list"),
    path("receipts/<int:pk>/confirm/", ReceiptConfirmView.as_view(), name="receipt-confirm"),
    path("donations/", DonationListView.as_view(), name="donation-list"),
    path("donations/add/", DonationAddView.as_view(), name="donation-add"),
    path("donations/<int:pk>/", DonationView.as_view(), name="donation"),
    path("donations/<int:pk>/receipt/", DonationReceiptView.as_view(), name="donation-receipt"),
]

public_urlpatterns = [path("public/donations/<str:code>/", public_donations, name="public-donations")]
