"""/api/items/, /api/stores/, /api/stock-moves/ (idempotent by key), /api/stock/ (derived from the
ledger), /api/allocations/ (+ confirm/) and /api/donations/."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core.api import ScopedViewSet
from fangkong.core.roles import Action
from fangkong.core.schema import FIELD_ERRORS
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField

from . import services
from .filters import (
    AllocationFilterSet,
    DonationFilterSet,
    ItemFilterSet,
    StockFilterSet,
    StockMoveFilterSet,
    StoreFilterSet,
)
from .models import (
    DIRECT_KINDS,
    MAX_QUANTITY,
    Allocation,
    AllocationLine,
    Donation,
    Item,
    MoveKind,
    Stock,
    StockMove,
    Store,
)


@extend_schema_field({"type": "integer"})
class ScopedStoreField(PrimaryKeyRelatedField):
    """A store the user may act on (``action``), by id."""

    def __init__(self, action=Action.VIEW, **kwargs):
        self.action = action
        super().__init__(**kwargs)

    def get_queryset(self):
        return Store.objects.restrict(self.context["request"].user, self.action)


def item_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Item.objects.all(), **kwargs)


class ItemSerializer(ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "code", "name", "name_en", "category", "unit", "active"]


class ItemViewSet(ScopedViewSet):
    """The supply catalogue (reference data: everyone reads, commanders write). Filters: q, category."""

    queryset = Item.objects.order_by("pk")
    serializer_class = ItemSerializer
    filterset_class = ItemFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class StoreSerializer(ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())

    class Meta:
        model = Store
        fields = ["id", "name", "kind", "area", "keeper", "active"]


class StoreViewSet(ScopedViewSet):
    """Stores of supplies at any level. Filters: q (name), area (code, subtree), kind."""

    queryset = Store.objects.select_related("area").order_by("pk")
    serializer_class = StoreSerializer
    filterset_class = StoreFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class StockMoveSerializer(ModelSerializer):
    store = ScopedStoreField(Action.ADD)
    item = item_field()
    kind = serializers.ChoiceField(
        choices=MoveKind.choices, help_text="donation and allocation moves come from donations and receipts only."
    )
    to_store = ScopedStoreField(required=False, allow_null=True, help_text="The lower store, for issued_store.")
    key = serializers.CharField(
        max_length=64, help_text="The client's idempotency key: sending a move again with it saves nothing new."
    )
    delta = serializers.IntegerField(read_only=True, help_text="The signed change in stock.")

    class Meta:
        model = StockMove
        fields = [
            "id",
            "key",
            "store",
            "item",
            "kind",
            "quantity",
            "delta",
            "moved_on",
            "supplier",
            "unit_price",
            "recipient",
            "to_store",
            "line",
            "donation",
            "note",
        ]
        read_only_fields = ["line", "donation"]
        extra_kwargs = {"key": {"validators": []}}  # a key seen before is answered by record_move

    def validate_kind(self, value):
        if value not in DIRECT_KINDS:
            raise serializers.ValidationError(_("Record a donation or confirm a receipt instead."))
        return value


_KEY_REUSED = OpenApiResponse(FIELD_ERRORS, description="The key names a move with other content: nothing saved.")


class StockMoveViewSet(ScopedViewSet):
    """The ledger: one entry per movement, never changed. POST records a move, idempotent by ``key``
    (the same move again answers 200 with the saved one; the same key with other content 409).
    Issuing more than the store holds is refused (400, naming store, item and stock); issued_store
    makes the lower store's pending receipt. Filters: area, store, item, kind, moved_after, moved_before."""

    queryset = StockMove.objects.select_related("store", "item").order_by("pk")
    serializer_class = StockMoveSerializer
    filterset_class = StockMoveFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(responses={201: StockMoveSerializer, 200: StockMoveSerializer, 409: _KEY_REUSED})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        move, created = services.record_move(StockMove(**serializer.validated_data), request.user)
        return Response(
            self.get_serializer(move).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class StockSerializer(ModelSerializer):
    store = PrimaryKeyRelatedField(read_only=True)
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    quantity = serializers.IntegerField(read_only=True, help_text="The sum of the store's ledger for the item.")
    used_week = serializers.IntegerField(read_only=True, help_text="Given out to be used in the last 7 days.")
    days_left = serializers.SerializerMethodField(
        help_text="Days of stock at last week's rate of use; null without use."
    )
    low = serializers.BooleanField(read_only=True)

    class Meta:
        model = Stock
        fields = ["id", "store", "item", "quantity", "safety_level", "used_week", "days_left", "low"]
        read_only_fields = ["safety_level"]

    def get_days_left(self, stock) -> float | None:
        return stock.days_left()


class StockViewSet(ScopedViewSet):
    """Stock per store and item: the sum of the ledger, kept on the row with each move (never typed);
    pages look ahead instead of counting. Filters: area (code,
    subtree), store (id), item (id), low (below the safety level or fewer than 3 days of use left)."""

    queryset = Stock.objects.select_related("item").order_by("pk")
    serializer_class = StockSerializer
    filterset_class = StockFilterSet
    exact_count = False  # a city's 400,000 rows: pages look ahead instead of counting (docs/benchmarks.md)
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().with_levels()


class LineSerializer(ModelSerializer):
    to_store = ScopedStoreField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    difference = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = AllocationLine
        fields = ["id", "to_store", "quantity", "received_quantity", "received_on", "difference"]
        read_only_fields = ["received_quantity", "received_on"]


class AllocationSerializer(ModelSerializer):
    from_store = ScopedStoreField(Action.ADD)
    item = item_field()
    lines = LineSerializer(many=True, help_text="One per receiving store below the giving one.")

    class Meta:
        model = Allocation
        fields = ["id", "from_store", "item", "allocated_on", "donation", "note", "lines"]

    def create(self, validated_data):
        lines = validated_data.pop("lines")
        allocation = Allocation(**validated_data)
        return services.allocate(
            allocation, [(line["to_store"], line["quantity"]) for line in lines], self.context["request"].user
        )


class ConfirmSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The id of the line of this allocation received.")
    received_quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AllocationViewSet(ScopedViewSet):
    """Allocations handed down from a store to the stores below, with their lines; the receiving
    stores read theirs too. POST allocates (each line an issue move, refused beyond the stock);
    POST confirm/ confirms a line's receipt. Filters: area, item, donated."""

    queryset = Allocation.objects.select_related("item").prefetch_related("lines").order_by("pk")
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(methods=["GET"], responses={200: AllocationSerializer})
    @extend_schema(methods=["POST"], request=ConfirmSerializer, responses={200: AllocationSerializer})
    @action(detail=True, methods=["get", "post"])
    def confirm(self, request, pk=None):
        """GET: the allocation, if you may confirm a line of it (403 if not). POST: the receiving
        store confirms the quantity of a line that arrived; a difference stays visible."""
        allocation = self.get_object_to_view()
        lines = AllocationLine.objects.restrict(request.user, Action.CHANGE).filter(allocation=allocation)
        if not lines.exists():
            raise exceptions.PermissionDenied
        if request.method == "POST":
            body = ConfirmSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            line = lines.filter(pk=body.validated_data["line"]).first()
            if line is None:
                raise exceptions.ValidationError({"line": [_("Not a line of this allocation that you may confirm.")]})
            data = body.validated_data
            services.confirm_receipt(line, data["received_quantity"], request.user, data.get("note", ""))
        return Response(self.get_serializer(self.get_queryset().get(pk=allocation.pk)).data)

    def get_object_to_view(self):
        """The allocation, looked up among those the user may view (confirming is a change of a line)."""
        return super(ScopedViewSet, self).get_object()


class GoodsSerializer(serializers.Serializer):
    item = item_field()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class DonationSerializer(ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    store = ScopedStoreField(Action.ADD, required=False, allow_null=True)
    items = GoodsSerializer(many=True, required=False, help_text="The goods of a gift of goods.")

    class Meta:
        model = Donation
        fields = [
            "id",
            "receipt_number",
            "donor_name",
            "donor_kind",
            "named_publicly",
            "kind",
            "amount",
            "use",
            "area",
            "received_by",
            "received_on",
            "store",
            "note",
            "items",
        ]
        extra_kwargs = {"receipt_number": {"validators": []}}  # refused by the service, naming the county

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["items"] = [{"item": move.item.code, "quantity": move.quantity} for move in instance.moves.all()]
        return data

    def create(self, validated_data):
        goods = [(row["item"], row["quantity"]) for row in validated_data.pop("items", [])]
        return services.receive_donation(Donation(**validated_data), goods, self.context["request"].user)


class DonationViewSet(ScopedViewSet):
    """Donations of money and goods; goods enter the store's ledger. A receipt number is unique in
    its county (400 when reused). Filters: q (donor), area, kind, use, receipt_number."""

    queryset = Donation.objects.select_related("area").prefetch_related("moves__item").order_by("pk")
    serializer_class = DonationSerializer
    filterset_class = DonationFilterSet
    http_method_names = ["get", "post", "head", "options"]


def register(router):
    router.register("items", ItemViewSet, basename="item")
    router.register("stores", StoreViewSet, basename="store")
    router.register("stock-moves", StockMoveViewSet, basename="stockmove")
    router.register("stock", StockViewSet, basename="stock")
    router.register("allocations", AllocationViewSet, basename="allocation")
    router.register("donations", DonationViewSet, basename="donation")
