"""Endpoints: /api/facilities/, /api/transfers/ (+ result/), /api/cases/ (+ classify/), /api/contacts/."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core.api import ScopedViewSet
from fangkong.core.roles import Action
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField

from ..api import ScopedPersonField, ScopedRelatedField
from ..models import Episode
from . import services
from .filters import (
    CaseFilterSet,
    ContactFilterSet,
    DisinfectionFilterSet,
    FacilityFilterSet,
    SampleFilterSet,
    TransferFilterSet,
)
from .models import Case, CaseEvent, Classification, Contact, Disinfection, Facility, Sample, Transfer


class FacilitySerializer(ModelSerializer):
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level=Area.Level.COUNTY), help_text="A county's code."
    )

    class Meta:
        model = Facility
        fields = ["id", "name", "kind", "area", "address", "phone"]


class FacilityViewSet(ScopedViewSet):
    """Designated hospitals and fever clinics, by county. Filters: q (name), area (code, subtree), kind."""

    queryset = Facility.objects.select_related("area").order_by("pk")
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class TransferSerializer(ModelSerializer):
    person = ScopedPersonField()
    facility = ScopedRelatedField(Facility)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    result = serializers.CharField(read_only=True, help_text="excluded, suspected or confirmed; empty until recorded.")

    class Meta:
        model = Transfer
        fields = [
            "id",
            "person",
            "area",
            "episode",
            "facility",
            "transferred_at",
            "vehicle",
            "escort",
            "result",
            "result_at",
        ]
        read_only_fields = ["episode", "result_at"]

    def create(self, validated_data):
        return services.transfer(Transfer(**validated_data), self.context["request"].user)


class ResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=Transfer.Result.choices)


def changeable(viewset):
    """The record, if the user may change it: a GET of an action says whether they may (403 if not).
    Looked up here rather than by ``get_object``, which takes a POST for an add: recording a result
    or a classification changes the record, which CDC may do without adding any."""
    record = get_object_or_404(viewset.get_queryset(), pk=viewset.kwargs["pk"])
    if not viewset.queryset.restrict(viewset.request.user, Action.CHANGE).filter(pk=record.pk).exists():
        raise exceptions.PermissionDenied
    return record


class TransferViewSet(ScopedViewSet):
    """Transfers to facilities. POST ends the person's open observation as transferred.
    Filters: area (code, subtree), facility (id), result."""

    queryset = Transfer.objects.select_related("area").order_by("pk")
    serializer_class = TransferSerializer
    filterset_class = TransferFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(methods=["GET"], responses={200: TransferSerializer})
    @extend_schema(methods=["POST"], request=ResultSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["get", "post"])
    def result(self, request, pk=None):
        """GET: the transfer, if you may record its result. POST: the facility's finding."""
        record = changeable(self)
        if request.method == "POST":
            body = ResultSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.record_result(record, body.validated_data["result"], request.user)
        return Response(self.get_serializer(record).data)


class CaseEventSerializer(ModelSerializer):
    by = serializers.StringRelatedField()

    class Meta:
        model = CaseEvent
        fields = ["from_classification", "to_classification", "at", "by"]


class CaseSerializer(ModelSerializer):
    person = ScopedPersonField()
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    classification = serializers.ChoiceField(
        choices=Classification.choices,
        help_text="Reported as suspected, confirmed or asymptomatic; changed by classify/.",
    )
    late = serializers.SerializerMethodField(help_text="Reported more than two hours after the diagnosis.")
    events = CaseEventSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "area",
            "classification",
            "onset_on",
            "diagnosed_at",
            "reported_at",
            "confirmed_at",
            "late",
            "events",
        ]
        read_only_fields = ["confirmed_at"]

    def get_late(self, case) -> bool:
        return case.is_late

    def create(self, validated_data):
        return services.report_case(Case(**validated_data), self.context["request"].user)


class ClassifySerializer(serializers.Serializer):
    classification = serializers.ChoiceField(choices=Classification.choices)


class CaseViewSet(ScopedViewSet):
    """Cases (CDC) with their classification timeline. Filters: area, classification, late."""

    queryset = Case.objects.select_related("area").prefetch_related("events__by").order_by("pk")
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(methods=["GET"], responses={200: CaseSerializer})
    @extend_schema(methods=["POST"], request=ClassifySerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["get", "post"])
    def classify(self, request, pk=None):
        """GET: the case, if you may classify it. POST: suspected → confirmed or excluded; confirmed →
        recovered or died; asymptomatic → confirmed. Any other change is refused (400)."""
        case = changeable(self)
        if request.method == "POST":
            body = ClassifySerializer(data=request.data)
            body.is_valid(raise_exception=True)
            case = services.classify(case, body.validated_data["classification"], request.user)
            case = self.get_queryset().get(pk=case.pk)
        return Response(self.get_serializer(case).data)


class ContactSerializer(ModelSerializer):
    person = ScopedPersonField(help_text="A registered person (register new ones through /api/persons/).")
    source_case = ScopedRelatedField(Case, required=False, allow_null=True)
    source_person = ScopedPersonField(
        required=False, allow_null=True, help_text="For a contact of a contact: the contact they met."
    )
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "person", "area", "source_case", "source_person", "setting", "last_contact_on", "episode"]
        read_only_fields = ["episode"]

    def validate(self, data):
        if bool(data.get("source_case")) == bool(data.get("source_person")):
            raise serializers.ValidationError(
                {"source_case": [_("Name either the source case or the source person, not both.")]}
            )
        return data

    def create(self, validated_data):
        return services.record_contact(Contact(**validated_data), self.context["request"].user)


class ContactViewSet(ScopedViewSet):
    """Close contacts of cases and of other contacts. POST opens or extends the contact's observation
    in their own area. Filters: area, case (id), setting, last_contact_from."""

    queryset = Contact.objects.select_related("area").order_by("pk")
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    http_method_names = ["get", "post", "head", "options"]


class SampleSerializer(ModelSerializer):
    person = ScopedPersonField()
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Sample
        fields = ["id", "person", "area", "episode", "taken_on", "result", "result_on"]
        read_only_fields = ["episode"]

    def validate_person(self, person):
        if self.instance is not None and person != self.instance.person:
            raise serializers.ValidationError(_("A test stays the test of its person."))
        return person

    def create(self, validated_data):
        sample = Sample(**validated_data)
        services.check_result_entry(self.context["request"].user, sample)
        return services.save_sample(sample)

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_sample(instance)


class SampleViewSet(ScopedViewSet):
    """Nucleic-acid tests. PATCH enters the result (negative or positive, with its date).
    Filters: area, person (id), result."""

    queryset = Sample.objects.select_related("area").order_by("pk")
    serializer_class = SampleSerializer
    filterset_class = SampleFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]


class ScopedEpisodeField(PrimaryKeyRelatedField):
    def get_queryset(self):
        return Episode.objects.restrict(self.context["request"].user, Action.VIEW)


class DisinfectionSerializer(ModelSerializer):
    episode = ScopedEpisodeField(help_text="A home observation.")
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Disinfection
        fields = ["id", "episode", "household", "area", "done_on", "done_by"]
        read_only_fields = ["household"]

    def create(self, validated_data):
        return services.record_disinfection(Disinfection(**validated_data))


class DisinfectionViewSet(ScopedViewSet):
    """Disinfections of home observations' dwellings. Filters: area, date."""

    queryset = Disinfection.objects.select_related("area").order_by("pk")
    serializer_class = DisinfectionSerializer
    filterset_class = DisinfectionFilterSet
    http_method_names = ["get", "post", "head", "options"]


def register(router):
    router.register("facilities", FacilityViewSet, basename="facility")
    router.register("transfers", TransferViewSet, basename="transfer")
    router.register("cases", CaseViewSet, basename="case")
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("tests", SampleViewSet, basename="sample")
    router.register("disinfections", DisinfectionViewSet, basename="disinfection")
