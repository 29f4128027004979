"""Arrivals endpoint: /api/arrivals/."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from fangkong.areas.api import DivisionCodeField
from fangkong.core.api import ScopedViewSet
from fangkong.core.crypto import mask_phone
from fangkong.core.fields import IdNumberSerializerField, PhoneSerializerField
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField
from fangkong.core.validators import check_id_number_facts, not_in_future

from .. import services
from ..filters import ArrivalFilterSet
from ..models import ARRIVAL_FIELDS, Arrival, Person
from ..scoping import areas_for_arrivals


class ArrivalAreaField(serializers.SlugRelatedField):
    def get_queryset(self):
        return areas_for_arrivals(self.context["request"].user)


class ArrivalPersonField(PrimaryKeyRelatedField):
    def get_queryset(self):
        return Person.objects.restrict(self.context["request"].user)


class ArrivalSerializer(ModelSerializer):
    person = ArrivalPersonField(
        required=False, help_text="A registered person's id; or give name and id_number to find or register them."
    )
    person_name = serializers.CharField(source="person.name", read_only=True)
    name = serializers.CharField(write_only=True, required=False, max_length=50)
    # Read back masked; sent back so on a correction, they are unchanged (validate_correction).
    id_number = IdNumberSerializerField(
        masked=lambda arrival: arrival.person.id_number_masked,
        required=False,
        help_text="Write the full number; read back masked (6110**********123X).",
    )
    phone = PhoneSerializerField(
        masked=lambda arrival: mask_phone(arrival.person.phone),
        required=False,
        allow_blank=True,
        help_text="Read back masked.",
    )
    sex = serializers.ChoiceField(
        choices=Person.Sex.choices, write_only=True, required=False, help_text="Read from the ID number if not given."
    )
    origin = DivisionCodeField(help_text="6-digit county code of the national division list.")
    origin_name = serializers.CharField(source="origin.full_name", read_only=True)
    area = ArrivalAreaField(slug_field="code", required=False, help_text="Code of a grid or village.")
    risk = serializers.BooleanField(read_only=True)
    risk_area = PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Arrival
        # The register's own fields are the web form's (forms.ARRIVAL_FIELDS), plus who and what follows.
        fields = ["id", "person", "person_name", "name", "id_number", "sex", "phone", *ARRIVAL_FIELDS]
        fields += ["origin_name", "risk", "risk_area"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = instance.person.id_number_masked
        data["phone"] = mask_phone(instance.person.phone)
        return data

    def validate_arrived_on(self, value):
        return not_in_future(value)

    def validate_registered_on(self, value):
        return value and not_in_future(value)

    def validate(self, data):
        if self.instance is not None:
            return self.validate_correction(data)
        check_id_number_facts(data.get("id_number"), data, birth_date=False)
        if data.get("person") is None and not (data.get("name") and data.get("id_number")):
            raise serializers.ValidationError(
                {"person": [_("Give a registered person's id, or their name and ID number.")]}
            )
        if data.get("person") is None and "area" not in data:
            raise serializers.ValidationError({"area": [_("The grid or village where the person stays is required.")]})
        return data

    def validate_correction(self, data):
        """An arrival is corrected on its own; who arrived is changed on the person's record.

        The ID number and phone count as unchanged when sent back as they were read, masked (their
        fields leave them out then); any other value is refused alike, the right full one too:
        otherwise the answer would tell a right guess from a wrong one.
        """
        person = self.instance.person
        given = {
            "person": data.get("person", person) != person,
            "name": data.get("name", person.name).strip() != person.name,
            "id_number": "id_number" in data,
            "phone": "phone" in data,
            "sex": "sex" in data,
        }
        errors = {
            field: [_("Change the person on their own record: /api/people/%(id)s/.") % {"id": person.pk}]
            for field, changed in given.items()
            if changed
        }
        if errors:
            raise serializers.ValidationError(errors)
        return data

    def update(self, instance, validated_data):
        for field in ("person", "name", "id_number", "sex", "phone"):
            validated_data.pop(field, None)
        for field, value in validated_data.items():
            setattr(instance, field, value)
        return services.save_arrival(instance)

    def create(self, validated_data):
        user = self.context["request"].user
        name = validated_data.pop("name", "")
        number = validated_data.pop("id_number", "")
        phone = validated_data.pop("phone", "")
        validated_data.pop("sex", None)  # checked against the ID number only (validate)
        person = validated_data.pop("person", None)
        arrival = Arrival(**validated_data)
        if person is not None:
            arrival.person = person
            return services.register_arrival(arrival, user)
        return services.register_arrival_of(user, arrival, name.strip(), number, phone).arrival


class ArrivalViewSet(ScopedViewSet):
    """Arrivals in your area; ID numbers and phones masked. Filters: area (code, subtree), origin (code
    prefix: province, prefecture or county), risk (true/false), arrived_after, arrived_before, kind, q.
    POST registers one: the person by id, or found or registered by name and id_number; an origin in a
    risk area in force on the arrival date flags the person at once. PUT/PATCH corrects one's own fields
    (origin, date, transport...): checked against the risk areas again; the person is changed on their record."""

    queryset = Arrival.objects.select_related("person", "origin", "area")
    serializer_class = ArrivalSerializer
    filterset_class = ArrivalFilterSet
    exact_count = False  # core.pagination: look one row ahead, no COUNT(*)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


def register(router):
    """Add this topic's viewsets to the API router."""
    router.register("arrivals", ArrivalViewSet, basename="arrival")
