"""Move requests: /api/move-requests/. A person registered in another area is asked for by ID number;
the officers of the person's current area accept or decline, and on acceptance the person moves with
their history (services.decide_move)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # an id that is not a number is 404 too
from rest_framework.response import Response

from fangkong.core.api import ScopedViewSet
from fangkong.core.fields import IdNumberSerializerField
from fangkong.core.roles import Action
from fangkong.core.serializers import ModelSerializer

from .. import services
from ..models import MoveRequest, Person
from ..scoping import area_full_name, areas_for_people


class MoveAreaField(serializers.SlugRelatedField):
    """The grid or village to move into, among those where the user registers people."""

    def get_queryset(self):
        return areas_for_people(self.context["request"].user)


class MoveRequestSerializer(ModelSerializer):
    id_number = IdNumberSerializerField(
        write_only=True, help_text="The full ID number of the person registered elsewhere."
    )
    person_name = serializers.CharField(source="person.name", read_only=True)
    person_id_number = serializers.CharField(source="person.id_number_masked", read_only=True)
    from_area = serializers.SerializerMethodField(help_text="Where the person is registered now.")
    to_area = MoveAreaField(slug_field="code", help_text="Code of the grid or village to move into.")
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = MoveRequest
        fields = [
            "id",
            "id_number",
            "person_name",
            "person_id_number",
            "from_area",
            "to_area",
            "reason",
            "status",
            "requested_by",
            "created",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = ["status", "created", "decided_at"]

    def to_representation(self, move):
        data = super().to_representation(move)
        if not self.sees_person(move):
            data["person_name"] = ""  # the requester typed the number; the name is not theirs to learn
        return data

    def sees_person(self, move):
        """Whether the user may see the person (once per person, whatever fields ask)."""
        seen = self.context.setdefault("sees_person", {})
        if move.person_id not in seen:
            user = self.context["request"].user
            seen[move.person_id] = Person.objects.restrict(user).filter(pk=move.person_id).exists()
        return seen[move.person_id]

    def get_from_area(self, move) -> str:
        """Where the person is registered; to a requester who may not see them, the county only."""
        if not self.sees_person(move):
            return services.county_name(move.area.path)
        return area_full_name(move.area)

    def validate_id_number(self, number):
        try:
            existing = services.find_by_id_number(number, self.context["request"].user)
        except services.LookupLimitReached as error:
            raise serializers.ValidationError(error.messages) from error
        if existing is None:
            raise serializers.ValidationError(_("Nobody is registered with this ID number: register the person."))
        if existing.visible:
            raise serializers.ValidationError(
                _("This person is already registered in your area: person %(id)s.") % {"id": existing.person.pk}
            )
        return existing.person

    def create(self, validated_data):
        person = validated_data.pop("id_number")
        return services.request_move(
            person, validated_data["to_area"], self.context["request"].user, validated_data.get("reason", "")
        )


class MoveRequestViewSet(ScopedViewSet):
    """Move requests you may see: those about people of your area (yours to decide) and your own.
    Filters: ``status`` (pending, accepted, declined), ``direction`` (incoming: yours to decide;
    outgoing: your own). POST asks for a person by ID number; POST .../decide/ accepts or declines."""

    queryset = MoveRequest.objects.select_related("person", "area__parent", "to_area", "requested_by", "decided_by")
    serializer_class = MoveRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        incoming = MoveRequest.objects.restrict(user, Action.VIEW).values("pk")
        # The requester follows their own requests, although the person is outside their area.
        return self.queryset.filter(Q(pk__in=incoming) | Q(requested_by=user)).order_by("-pk")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "pk" in self.kwargs:
            return queryset
        params = self.request.query_params
        if params.get("status") in MoveRequest.Status.values:
            queryset = queryset.filter(status=params["status"])
        if params.get("direction") == "outgoing":
            queryset = queryset.filter(requested_by=self.request.user)
        elif params.get("direction") == "incoming":
            queryset = queryset.filter(pk__in=MoveRequest.objects.restrict(self.request.user, Action.VIEW).values("pk"))
        return queryset

    @extend_schema(responses={201: MoveRequestSerializer, 200: MoveRequestSerializer})
    def create(self, request, *args, **kwargs):
        """Ask for a person by ID number; asking again while your request is pending returns it (200)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pending = services.pending_move(data["id_number"], data["to_area"], request.user) is not None
        move = serializer.save()
        return Response(
            self.get_serializer(move).data, status=status.HTTP_200_OK if pending else status.HTTP_201_CREATED
        )

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=inline_serializer("MayDecide", {"may_decide": serializers.BooleanField()}),
    )
    @extend_schema(
        methods=["POST"],
        request=inline_serializer("MoveDecision", {"accept": serializers.BooleanField()}),
        responses={200: MoveRequestSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def decide(self, request, pk=None):
        """GET says whether you may decide this request; POST {"accept": true|false} decides it."""
        move = get_object_or_404(self.get_queryset(), pk=pk)  # not yours to see: 404
        may_decide = MoveRequest.objects.restrict(request.user, Action.CHANGE).filter(pk=move.pk).exists()
        if not may_decide:
            raise exceptions.PermissionDenied(_("Only the person's current area decides."))
        if request.method != "POST":
            return Response({"may_decide": move.status == MoveRequest.Status.PENDING})
        accept = request.data.get("accept")
        if not isinstance(accept, bool):
            raise exceptions.ValidationError({"accept": [_("Say true to accept or false to decline.")]})
        move = services.decide_move(move, request.user, accept=accept)
        return Response(self.get_serializer(move).data)


def register(router):
    """Add this topic's viewsets to the API router."""
    router.register("move-requests", MoveRequestViewSet, basename="moverequest")
