"""/api/needs/: needs of households in difficulty, with the actions assign/, deliver/ and confirm/."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.accounts.models import User
from fangkong.core.api import ScopedViewSet, django_errors
from fangkong.core.roles import Action
from fangkong.core.schema import FIELD_ERRORS
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField
from fangkong.duty.models import Volunteer
from fangkong.people.models import Household

from .. import services
from ..filters import NeedFilterSet
from ..models import Need


class ScopedHouseholdField(PrimaryKeyRelatedField):
    def get_queryset(self):
        return Household.objects.restrict(self.context["request"].user)


class AreaVolunteerField(PrimaryKeyRelatedField):
    def get_queryset(self):
        return services.assignable_volunteers(self.context["request"].user)


class NeedSerializer(ModelSerializer):
    household = ScopedHouseholdField(help_text="Id of the household.")
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    volunteer = AreaVolunteerField(
        required=False, allow_null=True, help_text="Id of the volunteer who reported the need, if one did."
    )
    overdue = serializers.SerializerMethodField()
    confirmed_via = serializers.ChoiceField(
        choices=Need.ConfirmedVia.choices, allow_blank=True, read_only=True, help_text="Empty until confirmed."
    )

    class Meta:
        model = Need
        fields = [
            "id",
            "household",
            "area",
            "kind",
            "urgent",
            "description",
            "volunteer",
            "status",
            "overdue",
            "raised_via",
            "due_at",
            "assigned_user",
            "assigned_volunteer",
            "assigned_at",
            "delivered_at",
            "delivery_note",
            "confirmed_at",
            "confirmed_via",
            "escalated_at",
        ]
        read_only_fields = [
            "status",
            "raised_via",
            "due_at",
            "assigned_user",
            "assigned_volunteer",
            "assigned_at",
            "delivered_at",
            "delivery_note",
            "confirmed_at",
            "confirmed_via",
            "escalated_at",
        ]

    def get_overdue(self, need) -> bool:
        return need.is_overdue()

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["household"].read_only = True  # a need stays with its household
        return fields

    def create(self, validated_data):
        return services.raise_need(Need(**validated_data), self.context["request"].user)

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_need(instance)


class AssignSerializer(serializers.Serializer):
    assigned_user = PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, help_text="Id of a cadre."
    )
    assigned_volunteer = PrimaryKeyRelatedField(
        queryset=Volunteer.objects.all(), required=False, allow_null=True, help_text="Id of a volunteer."
    )


class DeliverSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, help_text="What was delivered, and to whom.")


_REFUSED = OpenApiResponse(FIELD_ERRORS, description="Refused: outside your area, or delivered/confirmed already.")


class NeedViewSet(ScopedViewSet):
    """Needs of households in difficulty. Filters: area (code, subtree), status (pending, overdue, open,
    assigned, delivered, confirmed), kind, household (id), q (address). A cadre or a volunteer of the
    assigner's area is assigned (another area's is refused naming the field), then the need is delivered
    with a note and confirmed for the household."""

    queryset = Need.objects.select_related("area", "household").order_by("due_at", "pk")
    serializer_class = NeedSerializer
    filterset_class = NeedFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def new_record_path(self, serializer):
        return serializer.validated_data["household"].area_path

    def changeable(self):
        need = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not Need.objects.restrict(self.request.user, Action.CHANGE).filter(pk=need.pk).exists():
            raise exceptions.PermissionDenied
        return need

    def act(self, request, service, *args):
        need = self.changeable()
        if request.method == "POST":
            try:
                need = service(need, request.user, *args)
            except DjangoValidationError as error:
                raise exceptions.ValidationError(django_errors(error)) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=need.pk)).data)

    @extend_schema(methods=["GET"], responses={200: NeedSerializer})
    @extend_schema(methods=["POST"], request=AssignSerializer, responses={200: NeedSerializer, 400: _REFUSED})
    @action(detail=True, methods=["get", "post"])
    def assign(self, request, pk=None):
        """GET: the need, if you may assign it. POST: give it to a cadre or a volunteer of your area."""
        if request.method != "POST":
            return self.act(request, None)
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self.act(request, services.assign, data.get("assigned_user"), data.get("assigned_volunteer"))

    @extend_schema(methods=["GET"], responses={200: NeedSerializer})
    @extend_schema(methods=["POST"], request=DeliverSerializer, responses={200: NeedSerializer, 400: _REFUSED})
    @action(detail=True, methods=["get", "post"])
    def deliver(self, request, pk=None):
        """GET: the need, if you may act on it. POST: delivered, with a note."""
        if request.method != "POST":
            return self.act(request, None)
        body = DeliverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.act(request, services.deliver, body.validated_data["note"])

    @extend_schema(methods=["GET"], responses={200: NeedSerializer})
    @extend_schema(methods=["POST"], request=None, responses={200: NeedSerializer, 400: _REFUSED})
    @action(detail=True, methods=["get", "post"])
    def confirm(self, request, pk=None):
        """GET: the need, if you may act on it. POST: the household received it (confirmed on its behalf)."""
        return self.act(request, services.confirm)


def register(router):
    router.register("needs", NeedViewSet, basename="need")
