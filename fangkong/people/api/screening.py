"""Screening endpoints: /api/screening-rounds/ (with live coverage) and /api/screening-visits/.

A visit is one per household and round: posting it again updates it (200, not 201), so a retried
request is never counted twice.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core.api import ScopedViewSet, django_errors
from fangkong.core.fields import IdNumberSerializerField
from fangkong.core.figures import percent
from fangkong.core.roles import Action
from fangkong.core.serializers import DateField, ModelSerializer, PrimaryKeyRelatedField
from fangkong.core.validators import not_in_future

from .. import services
from ..filters import ScreeningRoundFilterSet
from ..models import Household, Person, ScreeningRound, ScreeningVisit
from .arrivals import DivisionCodeField


class ScreeningRoundSerializer(ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    households = serializers.IntegerField(read_only=True)
    visited = serializers.IntegerField(read_only=True)
    coverage = serializers.SerializerMethodField(help_text="Visited households in percent (rounded down).")

    class Meta:
        model = ScreeningRound
        fields = [
            "id",
            "area",
            "title",
            "opened_on",
            "deadline",
            "closed_on",
            "opened_by",
            "overdue",
            "households",
            "visited",
            "coverage",
        ]
        read_only_fields = ["opened_on", "closed_on"]

    def get_coverage(self, screening_round) -> int | None:
        return percent(screening_round.visited, screening_round.households)

    def validate_area(self, area):
        if not Area.objects.restrict(self.context["request"].user).filter(pk=area.pk).exists():
            raise serializers.ValidationError(_("No area with code %(code)s in your scope.") % {"code": area.code})
        return area

    def validate(self, data):
        try:
            services.check_round(data["area"], data["deadline"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(django_errors(error)) from error
        return data

    def create(self, validated_data):
        user = self.context["request"].user
        screening_round, self.created = services.open_round(
            user, validated_data["area"], validated_data["title"], validated_data["deadline"]
        )
        return screening_round


class GridCoverageSerializer(serializers.Serializer):
    area = serializers.CharField(help_text="Grid (or village) code")
    name = serializers.CharField()
    households = serializers.IntegerField()
    visited = serializers.IntegerField()
    coverage = serializers.IntegerField(allow_null=True)


class ScreeningRoundDetailSerializer(ScreeningRoundSerializer):
    by_grid = serializers.SerializerMethodField(help_text="Households, visited and coverage per grid.")

    class Meta(ScreeningRoundSerializer.Meta):
        fields = [*ScreeningRoundSerializer.Meta.fields, "by_grid"]

    @extend_schema_field(GridCoverageSerializer(many=True))
    def get_by_grid(self, screening_round):
        _overall, by_area = screening_round.coverage(self.context["request"].user)
        return [
            {
                "area": row["area__code"],
                "name": row["area__name"],
                "households": row["households"],
                "visited": row["visited"],
                "coverage": row["percent"],
            }
            for row in by_area
        ]


class ScreeningRoundViewSet(ScopedViewSet):
    """Screening rounds over a town or village; coverage counts the households the user may see."""

    queryset = ScreeningRound.objects.select_related("area", "opened_by")
    serializer_class = ScreeningRoundSerializer
    filterset_class = ScreeningRoundFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().with_status().with_coverage(self.request.user)

    def get_serializer_class(self):
        return ScreeningRoundDetailSerializer if self.action == "retrieve" else ScreeningRoundSerializer

    @extend_schema(responses={201: ScreeningRoundSerializer, 200: ScreeningRoundSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        # Read back with the derived figures; a retry of the same round answers 200 with that round.
        screening_round = self.get_queryset().get(pk=serializer.instance.pk)
        created = getattr(serializer, "created", True)
        return Response(
            self.get_serializer(screening_round).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ArrivalFoundSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    id_number = IdNumberSerializerField(required=False, allow_blank=True, default="")
    origin = DivisionCodeField()
    arrived_on = DateField(required=False, allow_null=True, default=None)
    fever = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if not data["name"] and not data["id_number"]:
            raise serializers.ValidationError({"name": [services.NAME_OR_ID_NUMBER]})
        return data


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(PrimaryKeyRelatedField):
    """A record the user may see, by id; anything else is 'not found' (400 naming the field)."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.context["request"].user)


class ScreeningVisitSerializer(ModelSerializer):
    round = ScopedPrimaryKeyField(ScreeningRound)
    household = ScopedPrimaryKeyField(Household)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    visited_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    fever_members = ScopedPrimaryKeyField(
        Person, many=True, write_only=True, required=False, help_text="Members of the household with fever: flagged."
    )
    arrivals = ArrivalFoundSerializer(
        many=True, write_only=True, required=False, help_text="People found who arrived from elsewhere: registered."
    )

    class Meta:
        model = ScreeningVisit
        fields = [
            "id",
            "round",
            "household",
            "area",
            "visited_on",
            "visited_by",
            "members_home",
            "arrivals_found",
            "symptoms_found",
            "note",
            "fever_members",
            "arrivals",
        ]
        # One visit per household and round: a second one updates the first (services.record_visit).
        validators = []

    def validate_visited_on(self, value):
        return not_in_future(value)

    def create(self, validated_data):
        user = self.context["request"].user
        arrivals = [services.ArrivalFound(**found) for found in validated_data.pop("arrivals", [])]
        fever_members = validated_data.pop("fever_members", [])
        screening_round = validated_data.pop("round")
        household = validated_data.pop("household")
        visit, self.created = services.record_visit(
            user, screening_round, household, validated_data, arrivals=arrivals, fever_members=fever_members
        )
        return visit


class ScreeningVisitViewSet(ScopedViewSet):
    """Visits; POST for a household already visited in that round updates that visit and answers 200."""

    queryset = ScreeningVisit.objects.select_related("area", "visited_by")
    serializer_class = ScreeningVisitSerializer
    filterset_fields = ["round", "household"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(responses={201: ScreeningVisitSerializer, 200: ScreeningVisitSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            self._save_in_scope(serializer, Action.ADD)
        created = getattr(serializer, "created", True)
        return Response(serializer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def register(router):
    """Add this topic's viewsets to the API router."""
    router.register("screening-rounds", ScreeningRoundViewSet, basename="screeninground")
    router.register("screening-visits", ScreeningVisitViewSet, basename="screeningvisit")
