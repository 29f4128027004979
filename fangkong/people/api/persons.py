"""Persons endpoints: /api/people/ (masked ID numbers and phones; reveal is logged) and /api/tags/."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # an id that is not a number is 404 too
from rest_framework.response import Response

from fangkong.core import person_status
from fangkong.core.api import ScopedViewSet
from fangkong.core.crypto import mask_phone
from fangkong.core.fields import IdNumberSerializerField, PhoneSerializerField
from fangkong.core.roles import Action, Role
from fangkong.core.schema import FIELD_ERRORS
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField
from fangkong.core.validators import check_id_number_facts

from .. import services
from ..filters import IdNumberRevealFilterSet, PersonFilterSet
from ..models import Household, IdNumberReveal, KeyPersonTag, Person
from ..scoping import areas_for_people, village_path


class ScopedAreaField(serializers.SlugRelatedField):
    """A grid or village by code, among those where the user may register people."""

    def get_queryset(self):
        return areas_for_people(self.context["request"].user)


class ScopedPrimaryKeyField(PrimaryKeyRelatedField):
    def __init__(self, choices, **kwargs):
        self.choices_for = choices
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.choices_for(self.context["request"].user)


class PersonSerializer(ModelSerializer):
    id_number = IdNumberSerializerField(
        masked=lambda person: person.id_number_masked,
        required=False,
        allow_blank=True,
        help_text="Write the full number; read back masked (6110**********123X).",
    )
    phone = PhoneSerializerField(required=False, allow_blank=True, max_length=20)
    area = ScopedAreaField(slug_field="code", help_text="Code of a grid or village.")
    household = ScopedPrimaryKeyField(
        lambda user: Household.objects.restrict(user, Action.VIEW), required=False, allow_null=True
    )
    tags = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=KeyPersonTag.objects.all()
    )
    responsible = ScopedPrimaryKeyField(services.responsible_candidates, required=False, allow_null=True)
    doctor = ScopedPrimaryKeyField(
        lambda user: services.responsible_candidates(user, roles=[Role.DOCTOR]), required=False, allow_null=True
    )
    status_colour = serializers.CharField(read_only=True, help_text="The same as colour (kept for older clients).")
    colour = serializers.ChoiceField(
        source="status_colour", choices=person_status.COLOURS, read_only=True, help_text="Derived from the records."
    )
    colour_reason = serializers.CharField(read_only=True, help_text="Why the colour, in the request's language.")
    under_observation = serializers.BooleanField(source="status.under_observation", read_only=True)
    fever = serializers.BooleanField(
        source="status.fever", read_only=True, help_text="A fever at a check or reported, not ruled out."
    )
    birth_year = serializers.SerializerMethodField(
        help_text="Shown to every role; the birth date only to roles that may reveal the ID number."
    )
    version = serializers.IntegerField(
        required=False, help_text="Send back the version you read: a stale one is refused (409)."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "birth_year",
            "phone",
            "household",
            "relation_to_head",
            "area",
            "residency",
            "party_member",
            "address",
            "tags",
            "responsible",
            "doctor",
            "status_colour",
            "colour",
            "colour_reason",
            "under_observation",
            "fever",
            "version",
        ]
        extra_kwargs = {"sex": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = instance.id_number_masked
        if self.context.get("masked_phone"):
            data["phone"] = mask_phone(instance.phone)
        if not instance.shows_birth_date_to(self.context["request"].user):
            data["birth_date"] = None
        return data

    def get_birth_year(self, person) -> int | None:
        return person.birth_date.year if person.birth_date else None

    def validate_id_number(self, number):
        if not number:
            return ""
        try:
            existing = services.find_by_id_number(number, self.context["request"].user)
        except services.LookupLimitReached as error:
            raise serializers.ValidationError(error.messages) from error
        if existing is not None and existing.person.pk != getattr(self.instance, "pk", None):
            raise serializers.ValidationError(services.id_number_taken(existing))
        return number

    def validate(self, data):
        check_id_number_facts(data.get("id_number"), data)
        area = data.get("area", getattr(self.instance, "area", None))
        household = data.get("household")
        if area and household and village_path(area.path) != village_path(household.area_path):
            raise serializers.ValidationError(
                {"household": [_("This household is in another village than the person's area.")]}
            )
        return data

    def save_person(self, person, data):
        tags = data.pop("tags", None)
        expected = data.pop("version", None)
        number = data.pop("id_number", "")
        if not number and not person.shows_birth_date_to(self.context["request"].user):
            data.pop("birth_date", None)  # read back as null, sent back so: the ID number's date stays
        for field, value in data.items():
            setattr(person, field, value)
        if number:
            person.id_number = number
        try:
            return services.save_person(person, expected_version=expected if person.pk else None, tags=tags)
        except IntegrityError as error:
            raise serializers.ValidationError({"id_number": [services.REGISTERED_MEANWHILE]}) from error

    def create(self, validated_data):
        return self.save_person(Person(), validated_data)

    def update(self, instance, validated_data):
        return self.save_person(instance, validated_data)


_STALE_VERSION = OpenApiResponse(FIELD_ERRORS, description="The version sent is stale: read the person again.")


@extend_schema_view(
    update=extend_schema(responses={200: PersonSerializer, 409: _STALE_VERSION}),
    partial_update=extend_schema(responses={200: PersonSerializer, 409: _STALE_VERSION}),
)
class PersonViewSet(ScopedViewSet):
    """People in your area. ID numbers are masked (POST .../reveal/ shows one, logged); phones are
    masked in lists. Filters: q (name, pinyin, initials, last 4 or all of the ID number, phone),
    area (code, subtree), tag (code; fever and under_observation are derived from the records),
    colour (red, yellow, green), id_number (exact), residency, no_responsible."""

    queryset = Person.objects.select_related("area").prefetch_related("tags")
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    exact_count = False  # looks one row ahead instead of counting 2 million rows (core.pagination)

    def get_queryset(self):
        return person_status.annotate(super().get_queryset())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["masked_phone"] = self.action == "list"
        return context

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "IdNumberReveal",
            {
                "id_number": serializers.CharField(required=False),
                "may_reveal": serializers.BooleanField(required=False),
            },
        ),
    )
    @action(detail=True, methods=["get", "post"])
    def reveal(self, request, pk=None):
        """GET says whether you may reveal this person's ID number; POST reveals it (logged)."""
        person = get_object_or_404(self.get_queryset(), pk=pk)  # out of scope: 404
        if not person.can_reveal(request.user):
            raise exceptions.PermissionDenied(services.MAY_NOT_REVEAL)
        if request.method != "POST":
            return Response({"may_reveal": True})
        if not person.id_number_encrypted:
            return Response({"id_number": ""})
        try:
            number = services.reveal_id_number(person, request.user)
        except DjangoValidationError as error:
            raise exceptions.PermissionDenied(" ".join(error.messages)) from error
        response = Response({"id_number": number})
        add_never_cache_headers(response)
        return response


class KeyPersonTagSerializer(ModelSerializer):
    class Meta:
        model = KeyPersonTag
        fields = ["code", "name", "name_en", "builtin", "derived"]

    derived = serializers.SerializerMethodField(
        help_text="Derived from the records (fever, under_observation): filters only, never set on a person."
    )

    def get_derived(self, tag) -> bool:
        return tag.code in KeyPersonTag.DERIVED


class KeyPersonTagViewSet(ScopedViewSet):
    """Key-person categories (read only here; commanders edit them in the web UI)."""

    queryset = KeyPersonTag.objects.all()
    serializer_class = KeyPersonTagSerializer
    lookup_field = "code"
    http_method_names = ["get", "head", "options"]
    pagination_class = None
    filter_backends = []


class RevealLogEntrySerializer(ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    person_id_number = serializers.CharField(source="person.id_number_masked", read_only=True, default="")

    class Meta:
        model = IdNumberReveal
        fields = ["id", "time", "kind", "user", "person", "person_name", "person_id_number", "area_path", "request_id"]


class IdNumberRevealViewSet(ScopedViewSet):
    """The reveal log (commanders, their area): full ID numbers shown (kind ``reveal``) and exact
    look-ups by roles that may not reveal (kind ``lookup``). Filters: user (user name), kind, since,
    until (dates), area (code, subtree). Read only: nothing erases an entry."""

    queryset = IdNumberReveal.objects.select_related("user", "person")
    serializer_class = RevealLogEntrySerializer
    filterset_class = IdNumberRevealFilterSet
    http_method_names = ["get", "head", "options"]
    exact_count = False  # core.pagination: look one row ahead, no COUNT(*)


def register(router):
    """Add this topic's viewsets to the API router."""
    router.register("people", PersonViewSet, basename="person")
    router.register("tags", KeyPersonTagViewSet, basename="tag")
    router.register("reveals", IdNumberRevealViewSet, basename="reveal")
