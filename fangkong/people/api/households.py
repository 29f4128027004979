"""households endpoints: /api/households/, scoped and masked like the web pages."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from fangkong.areas.models import Area
from fangkong.core.api import ScopedViewSet
from fangkong.core.crypto import mask_phone
from fangkong.core.fields import PhoneSerializerField
from fangkong.core.roles import Action
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField

from .. import difficulties, services
from ..filters import HouseholdFilterSet
from ..models import Household, Person
from ..scoping import NOT_IN_YOUR_AREAS, household_areas


class HouseholdAreaField(serializers.SlugRelatedField):
    """A village or grid by code, among those where the user may file households. The look-up is kept
    in the user's scope cache (User.cached_in_scope), so a create reads no area."""

    def action(self):
        return Action.CHANGE if self.parent.instance is not None else Action.ADD

    def get_queryset(self):
        return household_areas(self.context["request"].user, self.action())

    def to_internal_value(self, data):
        code = str(data)
        user = self.context["request"].user
        try:
            if not code.isdigit():  # area codes are digits; anything else is no key for the cache
                raise Area.DoesNotExist
            name = f"household-area:{self.action()}:{code}"
            return user.cached_in_scope(name, lambda: self.get_queryset().get(code=code))
        except Area.DoesNotExist:
            raise serializers.ValidationError(NOT_IN_YOUR_AREAS) from None


class HouseholdSerializer(ModelSerializer):
    area = HouseholdAreaField(slug_field="code", help_text="Code of the grid or village")
    responsible = PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), allow_null=True, required=False
    )
    phone = PhoneSerializerField(required=False, allow_blank=True, max_length=20)
    members = PrimaryKeyRelatedField(many=True, read_only=True)
    head = PrimaryKeyRelatedField(
        queryset=Person.objects.all(), allow_null=True, required=False, help_text="户主: the id of one of the members."
    )
    version = serializers.IntegerField(
        required=False,
        help_text="The version the client read; an update based on an older one is refused (409, version).",
    )
    difficulties = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Kinds of difficulty (困难群众): low_income, five_guarantees, elderly_alone, disabled, "
        "frontline_family. The whole list is replaced.",
    )
    under_observation = serializers.SerializerMethodField(
        help_text="A member is under observation now: derived from the observation records, never set."
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "address",
            "area",
            "phone",
            "responsible",
            "head",
            "note",
            "members",
            "difficulties",
            "under_observation",
            "version",
        ]
        read_only_fields = ["id", "members"]

    def get_under_observation(self, household) -> bool:
        observed = getattr(household, difficulties.UNDER_OBSERVATION, None)
        if observed is None:
            observed = Household.objects.filter(pk=household.pk).filter(difficulties.observed_q()).exists()
        return bool(observed)

    def validate_difficulties(self, codes):
        try:
            return difficulties.check(codes)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["difficulties"]) from error

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["difficulties"] = difficulties.of(instance)
        view = self.context.get("view")
        if getattr(view, "action", None) == "list":
            data["phone"] = mask_phone(instance.phone)
        return data

    @property
    def user(self):
        return self.context["request"].user

    def validate_responsible(self, responsible):
        if (
            responsible is not None
            and not services.responsible_candidates(self.user).filter(pk=responsible.pk).exists()
        ):
            raise serializers.ValidationError(_("No such person in your area."))
        return responsible

    def validate_head(self, head):
        if head is not None and (self.instance is None or head.household_id != self.instance.pk):
            raise serializers.ValidationError(_("The head of household must be one of its members."))
        return head

    def create(self, validated_data):
        validated_data.pop("version", None)
        codes = validated_data.pop("difficulties", [])
        household = Household(**validated_data)
        difficulties.apply(household, codes)
        household = services.save_household(household)
        # A new household has no members: filled in as prefetch_related would, nothing is read back.
        members = Person.objects.none()
        members._result_cache, members._prefetch_done = [], True
        household._prefetched_objects_cache = {"members": members}
        household.under_observation = False  # nobody in it yet: nothing is read back for it either
        return household

    def update(self, instance, validated_data):
        expected = validated_data.pop("version", None)
        if "difficulties" in validated_data:
            difficulties.apply(instance, validated_data.pop("difficulties"))
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_household(instance, expected)


class HouseholdApiFilterSet(HouseholdFilterSet):
    class Meta(HouseholdFilterSet.Meta):
        fields = ["area", "responsible", "q", "difficulty"]


class HouseholdViewSet(ScopedViewSet):
    """Households: filters ``area`` (code, its subtree), ``responsible`` (user id or ``none``), ``q`` (address),
    ``difficulty`` (a kind, ``under_observation`` or ``any``).

    Phones are masked in lists and shown in full on one household. ``version`` guards updates.
    """

    queryset = Household.objects.select_related("area", "responsible").prefetch_related("members").order_by("pk")
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdApiFilterSet
    exact_count = False  # core.pagination: look one row ahead, no COUNT(*)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return difficulties.annotate(super().get_queryset())


def register(router):
    """Add this topic's viewsets to the API router."""
    router.register("households", HouseholdViewSet, basename="household")
