"""/api/markets/, /api/basket-items/, /api/inspections/ (an inspection with its prices and problems
in one POST, idempotent by ``key``) and /api/prices/ (read: area, item, market, since, until, jumped)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core.api import ScopedViewSet
from fangkong.core.schema import FIELD_ERRORS
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField

from . import services
from .filters import BasketItemFilterSet, InspectionFilterSet, MarketFilterSet, PriceFilterSet
from .forms import MARKET_LEVELS
from .models import BasketItem, Inspection, Market, Price, Problem


class BasketItemSerializer(ModelSerializer):
    class Meta:
        model = BasketItem
        fields = ["id", "code", "name", "name_en", "unit", "position", "jump_percent", "highest_price", "active"]


class BasketItemViewSet(ScopedViewSet):
    """The price basket (reference data: everyone reads, commanders write). Filter: q (name)."""

    queryset = BasketItem.objects.order_by("position", "pk")
    serializer_class = BasketItemSerializer
    filterset_class = BasketItemFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class MarketAreaField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return Area.objects.filter(level__in=MARKET_LEVELS)


class MarketSerializer(ModelSerializer):
    area = MarketAreaField(queryset=None, help_text="Code of the town or village the market is in.")

    class Meta:
        model = Market
        fields = ["id", "name", "kind", "area", "address", "contact", "phone", "active"]


class MarketViewSet(ScopedViewSet):
    """Markets, supermarkets and pharmacies. Filters: q (name), area (code, subtree), kind."""

    queryset = Market.objects.select_related("area").order_by("pk")
    serializer_class = MarketSerializer
    filterset_class = MarketFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


@extend_schema_field({"type": "integer"})
class ScopedMarketField(PrimaryKeyRelatedField):
    def get_queryset(self):
        return Market.objects.restrict(self.context["request"].user)


@extend_schema_field({"type": "integer"})
class OpenProblemField(PrimaryKeyRelatedField):
    def get_queryset(self):
        return Problem.objects.restrict(self.context["request"].user).filter(status=Problem.Status.OPEN)


class PriceRowSerializer(ModelSerializer):
    item = serializers.SlugRelatedField(slug_field="code", queryset=BasketItem.objects.all())
    price = serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, required=False, help_text="Yuan per the item's unit."
    )

    class Meta:
        model = Price
        fields = ["item", "price", "stock", "week_earlier", "change_percent", "jumped"]
        read_only_fields = ["week_earlier", "change_percent", "jumped"]


class ProblemRowSerializer(ModelSerializer):
    class Meta:
        model = Problem
        fields = ["id", "description", "rectify_by", "status", "closed_at"]
        read_only_fields = ["status", "closed_at"]


class InspectionSerializer(ModelSerializer):
    key = serializers.CharField(
        max_length=64, help_text="The client's key: the same key again is the same inspection (a retry)."
    )
    market = ScopedMarketField()
    prices = PriceRowSerializer(many=True, required=False, help_text="One row per basket item priced.")
    problems = ProblemRowSerializer(many=True, required=False, help_text="Problems found, each with its deadline.")
    rectified = OpenProblemField(
        many=True, required=False, write_only=True, help_text="Ids of the market's open problems found rectified."
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "key",
            "market",
            "inspected_on",
            "stock",
            "wildlife_ban_observed",
            "disinfected",
            "staff_checked",
            "staff_fever",
            "note",
            "jumps",
            "prices",
            "problems",
            "rectified",
        ]
        read_only_fields = ["jumps"]
        extra_kwargs = {"key": {"validators": []}}  # a key seen before is answered by record_inspection

    def validate_prices(self, rows):
        if len(rows) > services.MAX_PRICES:
            raise serializers.ValidationError(f"At most {services.MAX_PRICES} prices.")
        return rows

    def validate_problems(self, rows):
        if len(rows) > services.MAX_PROBLEMS:
            raise serializers.ValidationError(f"At most {services.MAX_PROBLEMS} problems.")
        return rows

    def create(self, validated_data):
        prices = [Price(**row) for row in validated_data.pop("prices", [])]
        problems = [Problem(**row) for row in validated_data.pop("problems", [])]
        rectified = list(validated_data.pop("rectified", []))
        inspection, self.created = services.record_inspection(
            Inspection(**validated_data), prices, problems, rectified, self.context["request"].user
        )
        return inspection


_KEY_REUSED = OpenApiResponse(FIELD_ERRORS, description="The key names an inspection of another market or day.")


class InspectionViewSet(ScopedViewSet):
    """Market inspections. POST saves one with its prices, problems found and problems rectified at
    once; the same ``key`` again answers 200 with the inspection already saved (409 when it names
    another market or day). A price is refused, naming the item and the row, when it is not above zero
    or above the item's highest plausible price. Filters: area (code), market (id), since, until, jumps."""

    queryset = Inspection.objects.select_related("market").order_by("-pk")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("prices__item", "problems")

    def new_record_path(self, serializer):
        return serializer.validated_data["market"].area_path

    @extend_schema(responses={201: InspectionSerializer, 200: InspectionSerializer, 409: _KEY_REUSED})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        saved = self.get_queryset().get(pk=serializer.instance.pk)
        answer = status.HTTP_201_CREATED if serializer.created else status.HTTP_200_OK
        return Response(self.get_serializer(saved).data, status=answer)


class PriceSerializer(ModelSerializer):
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    market = serializers.IntegerField(source="inspection.market_id", read_only=True)

    class Meta:
        model = Price
        fields = [
            "id",
            "inspection",
            "market",
            "area",
            "item",
            "priced_on",
            "price",
            "stock",
            "week_earlier",
            "change_percent",
            "jumped",
        ]
        read_only_fields = fields


class PriceViewSet(ScopedViewSet):
    """Prices recorded at inspections (read only). Filters: area (code, subtree), item (basket item
    code), market (id), since and until (dates), jumped (up more than the item's limit on a week earlier)."""

    queryset = Price.objects.select_related("item", "area", "inspection").order_by("-priced_on", "pk")
    serializer_class = PriceSerializer
    filterset_class = PriceFilterSet
    http_method_names = ["get", "head", "options"]
    exact_count = False


def register(router):
    router.register("basket-items", BasketItemViewSet, basename="basketitem")
    router.register("markets", MarketViewSet, basename="market")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("prices", PriceViewSet, basename="price")
