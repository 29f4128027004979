"""Checkpoint endpoints: /api/checkpoints/, /api/checkpoint-shifts/, /api/passages/ (a vehicle with its
people in one POST, idempotent by ``key``) and /api/handovers/ (+ accept/, not-arrived/)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.accounts.models import User
from fangkong.areas.api import DivisionCodeField
from fangkong.areas.models import Area
from fangkong.core.api import Conflict, ScopedViewSet, django_errors
from fangkong.core.fields import IdNumberSerializerField, PhoneSerializerField
from fangkong.core.roles import Action, Role
from fangkong.core.schema import FIELD_ERRORS
from fangkong.core.serializers import DateTimeField, ModelSerializer, PrimaryKeyRelatedField
from fangkong.health.models import HIGHEST_TEMPERATURE, LOWEST_TEMPERATURE

from . import rules, services
from .filters import CheckpointFilterSet, HandOverFilterSet, PassageFilterSet, ShiftFilterSet
from .models import CHECKPOINT_LEVELS, Checkpoint, CheckpointShift, HandOver, Passage, Traveller


def run_rule(rule, *args):
    try:
        rule(*args)
    except DjangoValidationError as error:
        raise serializers.ValidationError(django_errors(error)) from error


class CheckpointAreaField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return Area.objects.filter(level__in=CHECKPOINT_LEVELS)


class CheckpointSerializer(ModelSerializer):
    area = CheckpointAreaField(queryset=None, help_text="Code of the county or town that runs the checkpoint.")

    class Meta:
        model = Checkpoint
        fields = ["id", "area", "name", "kind", "road", "location", "hours", "active"]


_KEPT = OpenApiResponse(FIELD_ERRORS, description="The checkpoint has passages: it is kept (mark it not in use).")


class CheckpointViewSet(ScopedViewSet):
    """Checkpoints. Filters: q (name), area (code, subtree), kind. One with passages is not deleted (409)."""

    queryset = Checkpoint.objects.select_related("area").order_by("pk")
    serializer_class = CheckpointSerializer
    filterset_class = CheckpointFilterSet

    @extend_schema(responses={204: None, 409: _KEPT})
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            services.delete_checkpoint(instance)
        except DjangoValidationError as error:
            raise Conflict({"detail": " ".join(error.messages)}) from error


class ScopedCheckpointField(PrimaryKeyRelatedField):
    def get_queryset(self):
        return Checkpoint.objects.restrict(self.context["request"].user).select_related("area")


class StaffField(PrimaryKeyRelatedField):
    def get_queryset(self):
        users = User.objects.restrict(self.context["request"].user)
        return users.filter(memberships__role=Role.CHECKPOINT).distinct()


class CheckpointShiftSerializer(ModelSerializer):
    checkpoint = ScopedCheckpointField()
    staff = StaffField(many=True, help_text="Ids of accounts with the checkpoint role over the checkpoint's area.")

    class Meta:
        model = CheckpointShift
        fields = ["id", "checkpoint", "starts_at", "ends_at", "staff", "note"]

    def validate(self, data):
        current = (
            {name: getattr(self.instance, name) for name in ("checkpoint", "starts_at", "ends_at")}
            if self.instance
            else {}
        )
        values = {**current, **data}
        staff = data.get("staff", list(self.instance.staff.all()) if self.instance else [])
        run_rule(rules.check_shift, values.get("checkpoint"), values.get("starts_at"), values.get("ends_at"), staff)
        return data


class CheckpointShiftViewSet(ScopedViewSet):
    """Shifts at checkpoints and their staff. Filters: area (code), checkpoint (id), day."""

    queryset = CheckpointShift.objects.select_related("checkpoint").prefetch_related("staff").order_by("pk")
    serializer_class = CheckpointShiftSerializer
    filterset_class = ShiftFilterSet

    def new_record_path(self, serializer):
        return serializer.validated_data["checkpoint"].area_path


class DestinationField(serializers.SlugRelatedField):
    default_error_messages = {"does_not_exist": _lazy("No village of the city with code {value}.")}

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return services.destinations_for(self.context["request"].user)

    def to_internal_value(self, data):
        # The passage reads the villages of all its rows at once (PassageSerializer.to_internal_value).
        known = self.context.get("destinations")
        if known is None or not isinstance(data, str | int):
            return super().to_internal_value(data)
        village = known.get(str(data).strip())
        if village is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        return village


class HandOverStatusSerializer(ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = HandOver
        fields = ["id", "status", "overdue", "due_at"]

    def get_overdue(self, handover) -> bool:
        return handover.is_overdue()


class TravellerSerializer(ModelSerializer):
    id_number = IdNumberSerializerField(required=False, allow_blank=True, help_text="Read back masked.")
    phone = PhoneSerializerField(required=False, allow_blank=True, help_text="Read back masked.")
    origin = DivisionCodeField(required=False, help_text="County code, if not the vehicle's.")
    destination = DestinationField(
        queryset=None, required=False, allow_null=True, help_text="Code of a village of the city."
    )
    destination_text = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="A destination outside the city, as told."
    )
    temperature = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        required=False,
        allow_null=True,
        min_value=LOWEST_TEMPERATURE,
        max_value=HIGHEST_TEMPERATURE,
    )
    handover = HandOverStatusSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Traveller
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "origin",
            "destination",
            "destination_text",
            "temperature",
            "fever",
            "decision",
            "reason",
            "handover",
        ]
        read_only_fields = ["fever"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = instance.id_number_masked
        data["phone"] = instance.phone_masked
        data["handover"] = (
            HandOverStatusSerializer(getattr(instance, "handover", None)).data
            if hasattr(instance, "handover")
            else None
        )
        return data

    def validate(self, data):
        if data.get("destination"):
            data["destination_text"] = ""
        run_rule(rules.check_traveller, data)
        return data


class PassageSerializer(ModelSerializer):
    key = serializers.CharField(
        max_length=64, help_text="The client's key: the same key again is the same passage (a retry)."
    )
    checkpoint = ScopedCheckpointField()
    origin = DivisionCodeField(help_text="County code where the vehicle comes from.")
    travellers = TravellerSerializer(many=True)

    class Meta:
        model = Passage
        fields = ["id", "key", "checkpoint", "passed_at", "plate", "vehicle_kind", "origin", "heading_to", "travellers"]
        extra_kwargs = {"passed_at": {"required": False}}

    def to_internal_value(self, data):
        """The destinations of every row in one query, not one per row."""
        rows = data.get("travellers") if hasattr(data, "get") else None
        if isinstance(rows, list) and "request" in self.context:
            codes = {
                str(row["destination"]).strip()
                for row in rows
                if isinstance(row, dict) and isinstance(row.get("destination"), str | int)
            }
            villages = services.destinations_for(self.context["request"].user).filter(code__in=codes) if codes else []
            self.context["destinations"] = {village.code: village for village in villages}
        return super().to_internal_value(data)

    def validate_passed_at(self, value):
        try:
            return rules.check_passed_at(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate_travellers(self, value):
        if not value:
            raise serializers.ValidationError(_("Register at least one person."))
        if len(value) > 60:
            raise serializers.ValidationError(_("At most 60 people in one vehicle."))
        return value

    def validate_checkpoint(self, checkpoint):
        if not checkpoint.active:
            raise serializers.ValidationError(_("This checkpoint is not in use."))
        return checkpoint

    def create(self, validated_data):
        rows = validated_data.pop("travellers")
        passage = Passage(**validated_data)
        travellers = []
        for row in rows:
            number = row.pop("id_number", "")
            row.setdefault("origin", passage.origin)
            traveller = Traveller(**row)
            traveller.id_number = number
            travellers.append(traveller)
        passage, self.created = services.record_passage(passage, travellers, self.context["request"].user)
        self.travellers = travellers
        return passage


class PassageViewSet(ScopedViewSet):
    """Vehicles stopped at checkpoints, each with its people. POST registers one with its people at once:
    the same ``key`` again, or the same plate at the same checkpoint within minutes, answers 200 with
    the passage already saved. Filters: q (plate), area (code), checkpoint (id), day."""

    queryset = Passage.objects.select_related("checkpoint", "origin").order_by("-pk")
    serializer_class = PassageSerializer
    filterset_class = PassageFilterSet
    http_method_names = ["get", "post", "head", "options"]
    exact_count = False  # a city's month of passages: pages look ahead instead of counting

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related("travellers__origin", "travellers__destination", "travellers__handover")
        )

    def new_record_path(self, serializer):
        return serializer.validated_data["checkpoint"].area_path

    @extend_schema(responses={201: PassageSerializer, 200: PassageSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        if serializer.created:
            # Answered from the rows just saved (their people, origins, destinations and hand-overs in hand).
            saved = serializer.instance
            saved._prefetched_objects_cache = {"travellers": serializer.travellers}
            return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)
        saved = (
            Passage.objects.prefetch_related("travellers__origin", "travellers__destination", "travellers__handover")
            .select_related("origin")
            .get(pk=serializer.instance.pk)
        )
        return Response(self.get_serializer(saved).data, status=status.HTTP_200_OK)


class HandOverSerializer(ModelSerializer):
    name = serializers.CharField(source="traveller.name", read_only=True)
    id_number = serializers.CharField(source="traveller.id_number_masked", read_only=True)
    phone = serializers.CharField(source="traveller.phone_masked", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    checkpoint_name = serializers.CharField(source="checkpoint.name", read_only=True)
    passage = serializers.IntegerField(source="traveller.passage_id", read_only=True)
    passed_at = DateTimeField(source="traveller.passage.passed_at", read_only=True)
    fever = serializers.BooleanField(source="traveller.fever", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = HandOver
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "area",
            "checkpoint",
            "checkpoint_name",
            "passage",
            "passed_at",
            "fever",
            "status",
            "overdue",
            "due_at",
            "escalated_at",
            "decided_by",
            "decided_at",
            "note",
            "arrival",
        ]
        read_only_fields = fields

    def get_overdue(self, handover) -> bool:
        return handover.is_overdue()


class NotArrivedSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200)


_CLOSED = OpenApiResponse(FIELD_ERRORS, description="Accepted or marked not arrived already, or the register refused.")


class HandOverViewSet(ScopedViewSet):
    """People let through to villages of the city, in each village's inbox. Filters: area (village code,
    subtree), status (pending, overdue, accepted, not_arrived), checkpoint (id), q (name). The village's
    officers and grid workers accept them (the register then holds the arrival) or mark them not arrived."""

    queryset = HandOver.objects.select_related("traveller__passage", "checkpoint", "area").order_by("due_at", "pk")
    serializer_class = HandOverSerializer
    filterset_class = HandOverFilterSet
    http_method_names = ["get", "post", "head", "options"]
    exact_count = False

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)

    def changeable(self):
        """The hand-over, if the user may act on it: another village's is 404, a role that may not 403."""
        handover = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not HandOver.objects.restrict(self.request.user, Action.CHANGE).filter(pk=handover.pk).exists():
            raise exceptions.PermissionDenied
        return handover

    def act(self, request, service, *args):
        handover = self.changeable()
        if request.method == "POST":
            try:
                handover = service(handover, request.user, *args)
            except DjangoValidationError as error:
                raise exceptions.ValidationError(django_errors(error)) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=handover.pk)).data)

    @extend_schema(methods=["GET"], responses={200: HandOverSerializer})
    @extend_schema(methods=["POST"], request=None, responses={200: HandOverSerializer, 400: _CLOSED})
    @action(detail=True, methods=["get", "post"])
    def accept(self, request, pk=None):
        """GET: the hand-over, if you may accept it. POST: accept it; the register holds the arrival."""
        return self.act(request, services.accept)

    @extend_schema(methods=["GET"], responses={200: HandOverSerializer})
    @extend_schema(methods=["POST"], request=NotArrivedSerializer, responses={200: HandOverSerializer, 400: _CLOSED})
    @action(detail=True, methods=["get", "post"], url_path="not-arrived", url_name="not-arrived")
    def not_arrived(self, request, pk=None):
        """GET: the hand-over, if you may act on it. POST: the person never arrived, with a note."""
        if request.method != "POST":
            return self.act(request, services.not_arrived)
        body = NotArrivedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.act(request, services.not_arrived, body.validated_data["note"])


def register(router):
    router.register("checkpoints", CheckpointViewSet, basename="checkpoint")
    router.register("checkpoint-shifts", CheckpointShiftViewSet, basename="checkpoint-shift")
    router.register("passages", PassageViewSet, basename="passage")
    router.register("handovers", HandOverViewSet, basename="handover")
