"""/api/notices/ (+ relayed/: mark a grid, idempotent; coverage/), /api/rumours/ and /api/questions/."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core.api import ScopedViewSet
from fangkong.core.serializers import DateTimeField, ModelSerializer

from .. import services
from ..filters import NoticeFilterSet, QuestionFilterSet, RumourFilterSet
from ..models import Notice, NoticeRelay, Question, RelayMethod, Rumour, check_publishing_area


class PublishingSerializer(ModelSerializer):
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.all(), help_text="The area's code: a village or above."
    )

    def validate_area(self, area):
        return check_publishing_area(area)


class NoticeSerializer(PublishingSerializer):
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    grids = serializers.IntegerField(read_only=True, help_text="Grids of your areas the notice reaches.")
    relayed = serializers.IntegerField(read_only=True, help_text="How many of them marked it relayed.")

    class Meta:
        model = Notice
        fields = ["id", "area", "title", "body", "published_on", "published_by", "grids", "relayed"]

    def create(self, validated_data):
        return services.save_notice(Notice(**validated_data), self.context["request"].user)


class RelaySerializer(ModelSerializer):
    grid = serializers.SlugRelatedField(source="area", slug_field="code", read_only=True)
    methods = serializers.ListField(child=serializers.CharField(), read_only=True)
    relayed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = NoticeRelay
        fields = ["id", "notice", "grid", "methods", "note", "relayed_at", "relayed_by"]
        read_only_fields = fields


class MarkRelayedSerializer(serializers.Serializer):
    grid = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level=Area.Level.GRID), help_text="The grid's code."
    )
    methods = serializers.MultipleChoiceField(choices=RelayMethod.choices, allow_empty=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    relayed_at = DateTimeField(required=False, help_text="Now when not given.")


class CoverageRowSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.label")
    grids = serializers.IntegerField()
    relayed = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class NoticeViewSet(ScopedViewSet):
    """Publicity notices that reach your areas, with ``grids`` and ``relayed`` counted in your areas.
    Filters: q (title), to_relay (true: still to relay in a grid of yours), published_after."""

    queryset = Notice.objects.select_related("area", "published_by").order_by("-published_on", "-pk")
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet

    def get_queryset(self):
        return super().get_queryset().with_coverage(self.request.user)

    @extend_schema(methods=["GET"], responses={200: RelaySerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=MarkRelayedSerializer,
        responses={
            201: RelaySerializer,
            200: OpenApiResponse(RelaySerializer, description="Marked before: the grid's mark (new methods added)"),
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def relayed(self, request, pk=None):
        """GET: the marks of this notice in your areas. POST: mark it relayed in a grid of yours
        (``grid``, ``methods``: door_to_door, loudspeaker, wechat_group; ``note``, ``relayed_at``).
        Marking again is idempotent: 200 with the mark, new methods added; a new mark is 201."""
        notice = super(ScopedViewSet, self).get_object()  # found among those you may view; marking is checked below
        if request.method == "GET":
            marks = (
                NoticeRelay.objects.restrict(request.user).filter(notice=notice).select_related("area", "relayed_by")
            )
            return Response(RelaySerializer(marks, many=True).data)
        body = MarkRelayedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        relay, created = services.mark_relayed(
            notice, data["grid"], request.user, data["methods"], data.get("note", ""), data.get("relayed_at")
        )
        return Response(RelaySerializer(relay).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        parameters=[
            OpenApiParameter("area", str, description="An area of yours below the notice's (default: the top)")
        ],
        responses=CoverageRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def coverage(self, request, pk=None):
        """The notice's coverage below an area: per child area, the grids that marked it relayed of the
        active grids, and the percent (rounded down); the last row is the total."""
        notice = self.get_object()
        area = services.coverage_area(notice, request.user, request.query_params.get("area", "").strip())
        if area is None:
            raise Http404
        rows, total = services.coverage(notice, area)
        data = CoverageRowSerializer(rows, many=True).data
        return Response([*data, {"area": area.code, "name": area.label(), **total}])


class RumourSerializer(PublishingSerializer):
    class Meta:
        model = Rumour
        fields = ["id", "area", "claim", "facts", "source", "refuted_on", "published"]


class RumourViewSet(ScopedViewSet):
    """Rumours refuted (辟谣): yours, and the published ones of the areas above. Filters: q, area, published."""

    queryset = Rumour.objects.select_related("area").order_by("-refuted_on", "-pk")
    serializer_class = RumourSerializer
    filterset_class = RumourFilterSet


class QuestionSerializer(PublishingSerializer):
    class Meta:
        model = Question
        fields = ["id", "area", "question", "answer", "published", "last_updated"]
        read_only_fields = ["last_updated"]


class QuestionViewSet(ScopedViewSet):
    """Policy questions and answers. Filters: q (words, pinyin or initials of the question), area, published."""

    queryset = Question.objects.select_related("area").order_by("-last_updated", "-pk")
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilterSet


def register(router):
    router.register("notices", NoticeViewSet, basename="notice")
    router.register("rumours", RumourViewSet, basename="rumour")
    router.register("questions", QuestionViewSet, basename="question")
