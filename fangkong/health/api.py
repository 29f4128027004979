"""Observation endpoints: /api/protocols/, /api/episodes/, /api/checks/ (+ batch/) and /api/worklist/
(+ its one-tap disinfected/ and sampled/)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.core import scope
from fangkong.core.api import RefuseNulMixin, ScopedPermission, ScopedViewSet, django_errors
from fangkong.core.roles import Action
from fangkong.core.schema import FIELD_ERRORS
from fangkong.core.serializers import DateField, ModelSerializer, PrimaryKeyRelatedField
from fangkong.people.models import Person

from . import services
from .cases import services as cases
from .filters import CheckFilterSet, EpisodeFilterSet
from .models import (
    PROTOCOL_FIELDS,
    TEMPERATURE_ERRORS,
    Check,
    Disinfection,
    Episode,
    Protocol,
    Reason,
    Room,
    Sample,
    Site,
    validate_test_days,
)
from .sites import services as sites
from .worklist import worklist

# A phone syncing after a day offline sends a few dozen checks; more in one request is refused.
BATCH_LIMIT = 500


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "06:00"})
class LocalTimeField(serializers.TimeField):
    """A local time of day as HH:MM."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ProtocolSerializer(ModelSerializer):
    morning_from = LocalTimeField()
    morning_until = LocalTimeField()
    evening_from = LocalTimeField()
    evening_until = LocalTimeField()
    test_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        validators=[validate_test_days],
        required=False,
        help_text="The days of an observation (day 1 is its start) on which a nucleic-acid sample is due.",
    )

    class Meta:
        model = Protocol
        fields = ["id", *PROTOCOL_FIELDS]


class ProtocolViewSet(ScopedViewSet):
    """Editions of the observation protocol, the newest first (read only here; commanders edit them on the web)."""

    queryset = Protocol.objects.order_by("-effective_from")
    serializer_class = ProtocolSerializer
    http_method_names = ["get", "head", "options"]
    pagination_class = None
    filter_backends = []


class ScopedPersonField(PrimaryKeyRelatedField):
    def get_queryset(self):
        # With the area: the record takes the person's, and the answer shows its code.
        return Person.objects.restrict(self.context["request"].user, Action.VIEW).select_related("area")


class CheckPersonField(ScopedPersonField):
    """The person, read with their episodes and their protocols in one prepared statement
    (``services.person_with_episodes``): the check takes its episode from them, so a check costs one
    read, and no query is built per request. Out of the user's scope is "not found", as
    ``ScopedPersonField`` says (the same scope, asked of the person's path); someone never observed
    is read on its own, as there."""

    def to_internal_value(self, data):
        self.refuse_fraction(data)
        try:
            if isinstance(data, bool):
                raise TypeError
            pk = int(data)
        except (TypeError, ValueError, OverflowError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        person = services.person_with_episodes(pk) if -(2**63) < pk < 2**63 else None
        if person is None:
            return super().to_internal_value(data)
        if not scope.can(self.context["request"].user, Action.VIEW, Person, person.area_path):
            self.fail("does_not_exist", pk_value=data)
        return person


@extend_schema_field({"type": "integer"})
class ScopedRelatedField(PrimaryKeyRelatedField):
    """A record the user may view, by id."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.context["request"].user, Action.VIEW)


class EpisodeSerializer(ModelSerializer):
    person = ScopedPersonField()
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reason = serializers.ChoiceField(
        choices=Reason.choices, required=False, help_text="Default: from the person's key-person categories."
    )
    start_on = DateField(required=False, help_text="Default: the person's last arrival date.")
    status = serializers.SerializerMethodField()
    day = serializers.SerializerMethodField(help_text="第N天: the start is day 1.")
    total_days = serializers.IntegerField(read_only=True)
    outcome = serializers.CharField(read_only=True, help_text="released, transferred or cancelled; empty while open.")
    site = ScopedRelatedField(
        Site, required=False, allow_null=True, help_text="The isolation site (id) of a centralised observation."
    )
    room = ScopedRelatedField(Room, required=False, allow_null=True, help_text="A room (id) of that site, optional.")

    class Meta:
        model = Episode
        fields = [
            "id",
            "person",
            "area",
            "kind",
            "reason",
            "start_on",
            "planned_end_on",
            "protocol",
            "ended_on",
            "outcome",
            "status",
            "day",
            "total_days",
            "end_change_reason",
            "site",
            "room",
            "place_change_reason",
            "version",
        ]
        read_only_fields = [
            "planned_end_on",
            "protocol",
            "ended_on",
            "outcome",
            "end_change_reason",
            "place_change_reason",
            "version",
        ]

    def get_status(self, episode) -> str:
        return episode.current_status()

    def get_day(self, episode) -> int:
        return episode.day_number()

    def create(self, validated_data):
        person = validated_data["person"]
        validated_data.setdefault("reason", services.suggested_reason(person))
        validated_data.setdefault("start_on", services.suggested_start(person))
        return services.open_episode(Episode(**validated_data), self.context["request"].user)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version you read: a stale one is refused (409).",
    )


class MoveEndSerializer(VersionSerializer):
    planned_end_on = DateField()
    reason = serializers.CharField(max_length=200)


class MoveSiteSerializer(VersionSerializer):
    site = ScopedRelatedField(Site)
    room = ScopedRelatedField(Room, required=False, allow_null=True)
    reason = serializers.CharField(max_length=200)


_CONFLICT = OpenApiResponse(FIELD_ERRORS, description="The version sent is stale: read the episode again.")


class EpisodeViewSet(ScopedViewSet):
    """Observation episodes. Filters: area (code, subtree), status (active, due, overdue, released,
    transferred, cancelled), kind, site (id). POST opens one (the protocol in force sets the planned
    end); a centralised one names its ``site`` (and ``room``), refused (400) when full."""

    queryset = Episode.objects.select_related("area", "protocol", "site", "room").order_by("pk")
    serializer_class = EpisodeSerializer
    filterset_class = EpisodeFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().with_status()  # today's status, for the status filter

    def changeable(self):
        """The episode, if the user may change it: a GET of an action says whether they may (403 if not)."""
        episode = self.get_object()
        if not Episode.objects.restrict(self.request.user, Action.CHANGE).filter(pk=episode.pk).exists():
            raise exceptions.PermissionDenied
        return episode

    @extend_schema(methods=["GET"], responses={200: EpisodeSerializer})
    @extend_schema(methods=["POST"], request=VersionSerializer, responses={200: EpisodeSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["get", "post"])
    def release(self, request, pk=None):
        """GET: the episode, if you may release it. POST: release on or after the planned end; refused
        (400) before it or when the last check was a fever."""
        episode = self.changeable()
        if request.method == "POST":
            body = VersionSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.release(episode, body.validated_data.get("version"))
        return Response(self.get_serializer(episode).data)

    @extend_schema(methods=["GET"], responses={200: EpisodeSerializer})
    @extend_schema(methods=["POST"], request=MoveEndSerializer, responses={200: EpisodeSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["get", "post"], url_path="move-end")
    def move_end(self, request, pk=None):
        """GET: the episode, if you may change it. POST: extend or shorten an open observation, with a
        reason (kept in the change log)."""
        episode = self.changeable()
        if request.method == "POST":
            body = MoveEndSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            services.move_end(episode, data["planned_end_on"], data["reason"], data.get("version"))
        return Response(self.get_serializer(episode).data)

    @extend_schema(methods=["GET"], responses={200: EpisodeSerializer})
    @extend_schema(methods=["POST"], request=MoveSiteSerializer, responses={200: EpisodeSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["get", "post"], url_path="move-site")
    def move_site(self, request, pk=None):
        """GET: the episode, if you may change it. POST: move an open centralised observation to
        another site or room, with a reason; a full site or room is refused (400 naming the field)."""
        episode = self.changeable()
        if request.method == "POST":
            body = MoveSiteSerializer(data=request.data, context=self.get_serializer_context())
            body.is_valid(raise_exception=True)
            data = body.validated_data
            sites.move(episode, data["site"], data.get("room"), data["reason"], data.get("version"))
        return Response(self.get_serializer(episode).data)


class CheckSerializer(ModelSerializer):
    key = serializers.CharField(
        max_length=64, help_text="The client's idempotency key: sending a check again with it saves nothing new."
    )
    person = CheckPersonField()
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # "" for a check taken outside both windows: it counts towards neither.
    window = serializers.ChoiceField(choices=Check.Window.choices, allow_blank=True, read_only=True)
    symptoms = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=20,
        required=False,
        default=list,
        help_text="Symptom codes of the protocol (see /api/protocols/).",
    )

    class Meta:
        model = Check
        fields = [
            "id",
            "key",
            "person",
            "episode",
            "area",
            "taken_at",
            "window",
            "temperature",
            "symptoms",
            "source",
            "is_fever",
        ]
        read_only_fields = ["episode", "is_fever"]
        extra_kwargs = {
            "key": {"validators": []},  # a key seen before is answered by record_check, not refused
            "temperature": {"error_messages": TEMPERATURE_ERRORS},
        }

    def validate_person(self, person):
        if not scope.can(self.context["request"].user, Action.ADD, Check, person.area_path):
            raise serializers.ValidationError(_("You may not record checks of this person."))
        return person


_KEY_REUSED = OpenApiResponse(FIELD_ERRORS, description="The key names a check with other content: nothing saved.")


class CheckBatchResultSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    status = serializers.IntegerField(help_text="201 saved, 200 saved before, 409 key reused, 400 invalid.")
    check = CheckSerializer(required=False)
    errors = serializers.DictField(required=False, help_text="Messages by field, for a check not saved.")


class CheckViewSet(ScopedViewSet):
    """Temperature and symptom checks. Filters: person (id), area (code, subtree), date, fever.
    POST is idempotent by ``key``: the same check again answers 200 with the saved one; the same key
    with other content 409, never overwritten."""

    queryset = Check.objects.select_related("area").order_by("pk")
    serializer_class = CheckSerializer
    filterset_class = CheckFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def save_one(self, data):
        """(HTTP status, body) for one check, saved at most once."""
        serializer = self.get_serializer(data=data)
        if not serializer.is_valid():
            return status.HTTP_400_BAD_REQUEST, serializer.errors
        try:
            check, created = services.record_check(Check(**serializer.validated_data), self.request.user)
        except services.KeyReused as error:
            return status.HTTP_409_CONFLICT, {error.field: error.messages}
        except DjangoValidationError as error:
            return status.HTTP_400_BAD_REQUEST, django_errors(error)
        serializer.instance = check  # answered by the same serializer: its fields are built once
        return (status.HTTP_201_CREATED if created else status.HTTP_200_OK), serializer.data

    @extend_schema(responses={201: CheckSerializer, 200: CheckSerializer, 409: _KEY_REUSED})
    def create(self, request, *args, **kwargs):
        code, body = self.save_one(request.data)
        return Response(body, status=code)

    @extend_schema(
        methods=["GET"],
        responses=inline_serializer("CheckBatchLimit", {"limit": serializers.IntegerField()}),
    )
    @extend_schema(
        methods=["POST"], request=CheckSerializer(many=True), responses={200: CheckBatchResultSerializer(many=True)}
    )
    @action(detail=False, methods=["get", "post"], pagination_class=None)
    def batch(self, request):
        """POST: several checks at once (a phone syncing later): one result per check, in order, each
        with its status. GET: how many checks one batch may hold, if you may add checks (403 if not)."""
        if request.method != "POST":
            if not scope.can(request.user, Action.ADD, Check):
                raise exceptions.PermissionDenied
            return Response({"limit": BATCH_LIMIT})
        items = request.data
        if not isinstance(items, list):
            return Response({"non_field_errors": [_("Send a list of checks.")]}, status=status.HTTP_400_BAD_REQUEST)
        if len(items) > BATCH_LIMIT:
            return Response(
                {"non_field_errors": [_("Send at most %(count)d checks at once.") % {"count": BATCH_LIMIT}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        results = []
        for item in items:
            if isinstance(item, dict):
                code, body = self.save_one(item)
            else:
                code, body = status.HTTP_400_BAD_REQUEST, {"non_field_errors": [_("A check is an object.")]}
            key = item.get("key") if isinstance(item, dict) and isinstance(item.get("key"), str) else None
            result = {"key": key, "status": code}
            result["check" if code < 300 else "errors"] = body
            results.append(result)
        return Response(results)


class WorkItemSerializer(serializers.Serializer):
    episode = serializers.IntegerField(source="pk")
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    area = serializers.CharField(source="area.code")
    address = serializers.CharField(help_text="The person's address, or their household's.")
    day = serializers.IntegerField()
    total_days = serializers.IntegerField()
    needs = serializers.ListField(child=serializers.ChoiceField(choices=Check.Window.choices))
    sample_due = serializers.BooleanField(
        help_text="Today is a test day of the protocol and the person has no nucleic-acid sample taken today."
    )
    disinfection_due = serializers.BooleanField(
        help_text="A home observation whose dwelling has no disinfection recorded today (listed once per household)."
    )


class WorkDoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The disinfection's or the nucleic-acid test's id.")
    episode = serializers.IntegerField(source="episode_id")
    date = DateField()
    created = serializers.BooleanField(help_text="False: it was recorded already today, nothing new was saved.")


_WORK_DONE = {201: WorkDoneSerializer, 200: WorkDoneSerializer}


class WorklistViewSet(RefuseNulMixin, viewsets.GenericViewSet):
    """Today's work: the people under observation in your areas who still need this morning's or this
    evening's check (``needs``), a nucleic-acid sample (``sample_due``) or today's disinfection of their
    dwelling (``disinfection_due``), by area and address, 50 a page. ``{episode}/disinfected/`` and
    ``{episode}/sampled/`` record those done in one request each, once a day: sent again, they answer
    200 with the record already made."""

    queryset = Episode.objects.all()
    serializer_class = WorkItemSerializer
    permission_classes = [ScopedPermission]
    filter_backends = []

    def list(self, request):
        # Paged (50 a page, ``page_size`` up to 500): a page reads only its own episodes.
        page = self.paginate_queryset(worklist(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def episode_for(self, model):
        """The episode, looked up in the user's scope (404), if they may record ``model`` for it (403)."""
        episode = get_object_or_404(
            Episode.objects.restrict(self.request.user, Action.VIEW).select_related("person__household"),
            pk=self.kwargs["pk"],
        )
        if not scope.can(self.request.user, Action.ADD, model, episode.area_path):
            raise exceptions.PermissionDenied
        return episode

    def done(self, episode, record, date, created):
        body = WorkDoneSerializer({"id": record.pk, "episode_id": episode.pk, "date": date, "created": created})
        return Response(body.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(methods=["GET"], responses={200: EpisodeSerializer})
    @extend_schema(methods=["POST"], request=None, responses=_WORK_DONE)
    @action(detail=True, methods=["get", "post"])
    def disinfected(self, request, pk=None):
        """GET: the episode, if you may record its dwelling's disinfection. POST: today's disinfection
        done, by you."""
        episode = self.episode_for(Disinfection)
        if request.method != "POST":
            return Response(EpisodeSerializer(episode, context=self.get_serializer_context()).data)
        record, created = cases.disinfect_today(episode, request.user)
        return self.done(episode, record, record.done_on, created)

    @extend_schema(methods=["GET"], responses={200: EpisodeSerializer})
    @extend_schema(methods=["POST"], request=None, responses=_WORK_DONE)
    @action(detail=True, methods=["get", "post"])
    def sampled(self, request, pk=None):
        """GET: the episode, if you may record its person's nucleic-acid sample. POST: a sample taken
        today."""
        episode = self.episode_for(Sample)
        if request.method != "POST":
            return Response(EpisodeSerializer(episode, context=self.get_serializer_context()).data)
        record, created = cases.sample_today(episode)
        return self.done(episode, record, record.taken_on, created)


def register(router):
    """Add this topic's viewsets to the API router."""
    router.register("protocols", ProtocolViewSet, basename="protocol")
    router.register("episodes", EpisodeViewSet, basename="episode")
    router.register("checks", CheckViewSet, basename="check")
    router.register("worklist", WorklistViewSet, basename="worklist")
