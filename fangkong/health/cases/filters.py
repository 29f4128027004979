import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from ..filters import DATE_INPUT
from .models import Case, Classification, Contact, Disinfection, Facility, Sample, Transfer


class FacilityFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Facility.Kind.choices)

    class Meta:
        model = Facility
        fields = ["q", "area", "kind"]


class TransferFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    facility = django_filters.NumberFilter(label=_("Facility (id)"), field_name="facility")
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Transfer.Result.choices)

    class Meta:
        model = Transfer
        fields = ["area", "facility", "result"]


class CaseFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    classification = django_filters.ChoiceFilter(label=_("Classification"), choices=Classification.choices)
    late = django_filters.BooleanFilter(label=_("Reported late"), method="filter_late")

    class Meta:
        model = Case
        fields = ["area", "classification", "late"]

    def filter_late(self, queryset, name, value):
        late = queryset.late()
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class ContactFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    case = django_filters.NumberFilter(label=_("Case (id)"), field_name="source_case")
    setting = django_filters.ChoiceFilter(label=_("Setting"), choices=Contact.Setting.choices)
    last_contact_from = django_filters.DateFilter(
        label=_("Last contact from"), field_name="last_contact_on", lookup_expr="gte", widget=DATE_INPUT
    )

    class Meta:
        model = Contact
        fields = ["area", "case", "setting", "last_contact_from"]


class SampleFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    person = django_filters.NumberFilter(label=_("Person (id)"), field_name="person")
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Sample.Result.choices)

    class Meta:
        model = Sample
        fields = ["area", "person", "result"]


class DisinfectionFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    date = django_filters.DateFilter(label=_("Date"), field_name="done_on", widget=DATE_INPUT)

    class Meta:
        model = Disinfection
        fields = ["area", "date"]
