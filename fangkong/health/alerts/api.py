"""Alert endpoints: /api/alerts/ (+ acknowledge/, resolve/) and /api/missed-checks/."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.core.api import RefuseNulMixin, ScopedPermission, ScopedViewSet
from fangkong.core.roles import Action
from fangkong.core.schema import FIELD_ERRORS
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField

from ..models import Check, Episode
from . import services
from .filters import AlertFilterSet
from .models import Alert
from .views import scoped_episodes


class AlertSerializer(ModelSerializer):
    check = PrimaryKeyRelatedField(source="source_check", read_only=True, allow_null=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "person",
            "name",
            "place",
            "link",
            "temperature",
            "episode",
            "check",
            "area",
            "kind",
            "level",
            "status",
            "raised_at",
            "escalated_at",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
            "note",
        ]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


_CLOSED = OpenApiResponse(FIELD_ERRORS, description="The alert was acknowledged or resolved already.")


class AlertViewSet(ScopedViewSet):
    """Alerts, the newest first. Filters: area (code, subtree), status, kind, level. Raised by checks
    and the sweep; doctors and managers acknowledge and resolve them."""

    queryset = Alert.objects.select_related("area").order_by("-raised_at", "-pk")
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)

    def changeable(self):
        """The alert, if the user may act on it: a GET of an action says whether they may (403 if not).
        Looked up here rather than by ``get_object``, which would judge a POST as adding an alert."""
        alert = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not Alert.objects.restrict(self.request.user, Action.CHANGE).filter(pk=alert.pk).exists():
            raise exceptions.PermissionDenied
        return alert

    def act(self, request, service):
        alert = self.changeable()
        if request.method == "POST":
            body = NoteSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            try:
                service(alert, request.user, body.validated_data.get("note", ""))
            except services.AlertClosed as error:
                raise exceptions.ValidationError({"status": [str(error)]}) from error
        return Response(self.get_serializer(alert).data)

    @extend_schema(methods=["GET"], responses={200: AlertSerializer})
    @extend_schema(methods=["POST"], request=NoteSerializer, responses={200: AlertSerializer, 400: _CLOSED})
    @action(detail=True, methods=["get", "post"])
    def acknowledge(self, request, pk=None):
        """GET: the alert, if you may acknowledge it. POST: acknowledge an open alert (it goes no higher)."""
        return self.act(request, services.acknowledge)

    @extend_schema(methods=["GET"], responses={200: AlertSerializer})
    @extend_schema(methods=["POST"], request=NoteSerializer, responses={200: AlertSerializer, 400: _CLOSED})
    @action(detail=True, methods=["get", "post"])
    def resolve(self, request, pk=None):
        """GET: the alert, if you may resolve it. POST: resolve it, with a note of what was done."""
        return self.act(request, services.resolve)


class MissedCheckSerializer(serializers.Serializer):
    episode = serializers.IntegerField(source="episode.pk")
    person = serializers.IntegerField(source="episode.person_id")
    name = serializers.CharField(source="episode.person.name")
    area = serializers.CharField(source="episode.area.code")
    window = serializers.ChoiceField(choices=Check.Window.choices)


class MissedCheckViewSet(RefuseNulMixin, viewsets.GenericViewSet):
    """The people under observation in your areas whose check window closed today without a check, 50
    a page."""

    queryset = Episode.objects.all()
    serializer_class = MissedCheckSerializer
    permission_classes = [ScopedPermission]
    filter_backends = []

    @extend_schema(parameters=[OpenApiParameter("area", str, description="An area code: only under it.")])
    def list(self, request):
        # Paged (50 a page, ``page_size`` up to 500): a page reads only its own episodes.
        missed = services.missed_checks(scoped_episodes(request.user, request.query_params.get("area")))
        rows = [{"episode": episode, "window": window} for episode, window in self.paginate_queryset(missed)]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


def register(router):
    router.register("alerts", AlertViewSet, basename="alert")
    router.register("missed-checks", MissedCheckViewSet, basename="missed-check")
