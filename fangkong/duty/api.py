"""Endpoints: /api/duty-rosters/ (+ now/), /api/duty-log/ (+ acknowledge/), /api/posts/, /api/zones/,
/api/volunteer-teams/, /api/volunteers/, /api/volunteer-shifts/ (+ check-in/, check-out/)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core.api import ScopedViewSet
from fangkong.core.crypto import mask_phone
from fangkong.core.fields import PhoneSerializerField
from fangkong.core.roles import Action
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField
from fangkong.people.models import Household, Person

from . import services
from .filters import (
    LogFilterSet,
    PostFilterSet,
    RosterFilterSet,
    ShiftFilterSet,
    TeamFilterSet,
    VolunteerFilterSet,
    ZoneFilterSet,
)
from .models import (
    DUTY_LEVELS,
    Assignment,
    DutyLogEntry,
    DutyRoster,
    PioneerPost,
    ResponsibilityZone,
    Volunteer,
    VolunteerShift,
    VolunteerTeam,
)


class ScopedMany(PrimaryKeyRelatedField):
    """Records the user may view, by id."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.context["request"].user, Action.VIEW)


def area_field(levels=None, help_text="The area's code."):
    areas = Area.objects.filter(level__in=levels) if levels else Area.objects.all()
    return serializers.SlugRelatedField(slug_field="code", queryset=areas, help_text=help_text)


class StaffMemberSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = PhoneSerializerField(max_length=20)


class RosterSerializer(ModelSerializer):
    area = area_field(DUTY_LEVELS, "Code of the town, county or city.")
    leader_name = serializers.CharField(max_length=50, allow_blank=True)
    leader_phone = PhoneSerializerField(max_length=20)
    staff = StaffMemberSerializer(many=True, required=False)

    class Meta:
        model = DutyRoster
        fields = ["id", "area", "date", "shift", "leader_name", "leader_phone", "staff", "note"]
        validators = []  # one leader per shift: services.check_roster says so, naming the leader on it

    def create(self, validated_data):
        return self.update(DutyRoster(), validated_data)

    def update(self, instance, validated_data):
        if "staff" in validated_data:
            validated_data["staff"] = [dict(member) for member in validated_data["staff"]]
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_roster(instance)


class RosterViewSet(ScopedViewSet):
    """Duty rosters (领导干部24小时带值班) of towns and up, one row per area, date and shift.
    Filters: area (code, subtree), date_from, date_to. GET now/: the shifts on duty at this moment."""

    queryset = DutyRoster.objects.select_related("area").order_by("pk")
    serializer_class = RosterSerializer
    filterset_class = RosterFilterSet

    @extend_schema(responses={200: RosterSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def now(self, request):
        """Who is on duty now, in every area of your scope (``area``: within that area)."""
        rows = services.on_duty_now(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class LogEntrySerializer(ModelSerializer):
    area = area_field(DUTY_LEVELS, "Code of the town, county or city.")
    author = serializers.StringRelatedField()
    acknowledged_by = serializers.StringRelatedField()

    class Meta:
        model = DutyLogEntry
        fields = [
            "id",
            "area",
            "time",
            "kind",
            "counterpart",
            "text",
            "author",
            "roster",
            "acknowledged_by",
            "acknowledged_at",
        ]
        read_only_fields = ["roster", "acknowledged_at"]

    def create(self, validated_data):
        return services.write_log_entry(DutyLogEntry(**validated_data), self.context["request"].user)


class LogViewSet(ScopedViewSet):
    """The duty log (值班日志): entries are written once, not changed. Filters: area, kind, pending (hand-over
    notes not acknowledged). POST acknowledge/: the next shift on duty takes the hand-over note."""

    queryset = DutyLogEntry.objects.select_related("area", "author", "acknowledged_by").order_by("pk")
    serializer_class = LogEntrySerializer
    filterset_class = LogFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(methods=["GET"], responses={200: LogEntrySerializer})
    @extend_schema(
        methods=["POST"],
        request=None,
        responses={
            200: LogEntrySerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Not on the next shift, or acknowledged already."),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def acknowledge(self, request, pk=None):
        """GET: the entry. POST: acknowledge it (400 unless you are on the next shift of its area)."""
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        if request.method == "POST":
            services.acknowledge(entry, request.user)
        return Response(self.get_serializer(entry).data)


class HoldingSerializer(ModelSerializer):
    area = area_field()
    holders = ScopedMany(get_user_model(), many=True, required=False, help_text="Ids of users (party members).")
    person_holders = ScopedMany(Person, many=True, required=False, help_text="Ids of registered party members.")
    related = ("holders", "person_holders")

    def create(self, validated_data):
        return self.update(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        related = {name: validated_data.pop(name) for name in self.related if name in validated_data}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_holding(instance, **related)


class PostSerializer(HoldingSerializer):
    class Meta:
        model = PioneerPost
        fields = ["id", "area", "organisation", "name", "kind", "place", "holders", "person_holders"]


class PostViewSet(ScopedViewSet):
    """Pioneer posts (先锋岗) of party organisations. Filters: q (name), area (code, subtree), kind."""

    queryset = PioneerPost.objects.select_related("area").prefetch_related("holders", "person_holders").order_by("pk")
    serializer_class = PostSerializer
    filterset_class = PostFilterSet


class ZoneSerializer(HoldingSerializer):
    grids = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Area.objects.filter(level=Area.Level.GRID)
    )
    households = ScopedMany(Household, many=True, required=False)
    related = ("grids", "households", "holders", "person_holders")

    class Meta:
        model = ResponsibilityZone
        fields = ["id", "area", "organisation", "name", "grids", "households", "holders", "person_holders"]


class ZoneViewSet(ScopedViewSet):
    """Responsibility zones (责任区): grids (codes) or households (ids) held by party members. Filters: q, area."""

    queryset = (
        ResponsibilityZone.objects.select_related("area")
        .prefetch_related("grids", "households", "holders", "person_holders")
        .order_by("pk")
    )
    serializer_class = ZoneSerializer
    filterset_class = ZoneFilterSet


class TeamSerializer(ModelSerializer):
    area = area_field()
    leader_phone = PhoneSerializerField(required=False, allow_blank=True, max_length=20)
    signup_url = serializers.SerializerMethodField(help_text="The public sign-up page (its QR code).")
    hours = serializers.SerializerMethodField()

    class Meta:
        model = VolunteerTeam
        fields = ["id", "area", "name", "leader_name", "leader_phone", "signup_open", "signup_url", "hours"]

    def get_signup_url(self, team) -> str:
        return self.context["request"].build_absolute_uri(team.get_signup_url())

    def get_hours(self, team) -> float:
        return round(getattr(team, "minutes", 0) / 60, 1)


class TeamViewSet(ScopedViewSet):
    """Volunteer teams of an area, with their sign-up link and the hours their volunteers worked. Filters: q, area."""

    queryset = services.with_hours(VolunteerTeam.objects.select_related("area"), "volunteers__assignments__").order_by(
        "pk"
    )
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet


class VolunteerSerializer(ModelSerializer):
    team = ScopedMany(VolunteerTeam)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    phone = PhoneSerializerField(max_length=20, masked=lambda volunteer: mask_phone(volunteer.phone))
    hours = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = ["id", "team", "area", "name", "phone", "skills", "availability", "status", "hours"]
        validators = []  # one phone per team: services.save_volunteer says so, naming the volunteer

    def get_hours(self, volunteer) -> float:
        return round(getattr(volunteer, "minutes", 0) / 60, 1)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        view = self.context.get("view")
        if getattr(view, "action", None) == "list":
            data["phone"] = mask_phone(instance.phone)
        return data

    def create(self, validated_data):
        return self.update(Volunteer(), validated_data)

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_volunteer(instance, self.context["request"].user)


class VolunteerViewSet(ScopedViewSet):
    """Volunteers; phones masked in lists as the register's. PATCH status approves or declines a sign-up.
    Filters: q (name), area, team (id), status."""

    queryset = services.with_hours(Volunteer.objects.select_related("area", "team"), "assignments__").order_by("pk")
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilterSet


class AssignmentSerializer(ModelSerializer):
    class Meta:
        model = Assignment
        fields = ["volunteer", "checked_in_at", "checked_out_at", "minutes"]
        read_only_fields = fields


class ShiftSerializer(ModelSerializer):
    team = ScopedMany(VolunteerTeam)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    place = serializers.CharField(max_length=200, help_text="The checkpoint, address or area (text).")
    volunteers = ScopedMany(Volunteer, many=True, required=False, help_text="Ids of approved volunteers of the team.")
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = VolunteerShift
        fields = [
            "id",
            "team",
            "area",
            "kind",
            "place",
            "starts_at",
            "ends_at",
            "description",
            "volunteers",
            "assignments",
        ]

    def create(self, validated_data):
        return self.update(VolunteerShift(), validated_data)

    def update(self, instance, validated_data):
        volunteers = validated_data.pop("volunteers", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_shift(instance, volunteers)


class ShiftCheckSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class ShiftViewSet(ScopedViewSet):
    """Volunteer shifts and tasks (checkpoint shifts, deliveries, disinfection, publicity) with their
    volunteers. POST check-in/ and check-out/ with ``volunteer``: the minutes add up at the check-out.
    Filters: area, team (id), kind, date."""

    queryset = VolunteerShift.objects.select_related("area", "team").prefetch_related("assignments").order_by("pk")
    serializer_class = ShiftSerializer
    filterset_class = ShiftFilterSet

    def check(self, request, pk, service):
        shift = get_object_or_404(self.get_queryset(), pk=pk)
        if not self.queryset.restrict(request.user, Action.CHANGE).filter(pk=shift.pk).exists():
            raise exceptions.PermissionDenied
        if request.method == "POST":
            body = ShiftCheckSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            assignment = shift.assignments.filter(volunteer_id=body.validated_data["volunteer"]).first()
            if assignment is None:
                raise exceptions.ValidationError({"volunteer": [_("This volunteer is not on the shift.")]})
            service(assignment)
            shift = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self.get_serializer(shift).data)

    @extend_schema(methods=["GET"], responses={200: ShiftSerializer})
    @extend_schema(methods=["POST"], request=ShiftCheckSerializer, responses={200: ShiftSerializer})
    @action(detail=True, methods=["get", "post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """GET: the shift, if you may check its volunteers in. POST: check one in."""
        return self.check(request, pk, services.check_in)

    @extend_schema(methods=["GET"], responses={200: ShiftSerializer})
    @extend_schema(methods=["POST"], request=ShiftCheckSerializer, responses={200: ShiftSerializer})
    @action(detail=True, methods=["get", "post"], url_path="check-out")
    def check_out(self, request, pk=None):
        """GET: the shift, if you may check its volunteers out. POST: check one out."""
        return self.check(request, pk, services.check_out)


def register(router):
    router.register("duty-rosters", RosterViewSet, basename="dutyroster")
    router.register("duty-log", LogViewSet, basename="dutylog")
    router.register("posts", PostViewSet, basename="pioneerpost")
    router.register("zones", ZoneViewSet, basename="zone")
    router.register("volunteer-teams", TeamViewSet, basename="volunteerteam")
    router.register("volunteers", VolunteerViewSet, basename="volunteer")
    router.register("volunteer-shifts", ShiftViewSet, basename="volunteershift")
