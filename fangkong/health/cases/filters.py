import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet
from fangkong.core.indicators import on_day

from .. import indicators
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
    date = django_filters.DateFilter(label=_("Transferred on"), method="filter_date", widget=DATE_INPUT)
    pending_on = django_filters.DateFilter(
        label=_("Awaiting the result on"), method="filter_pending_on", widget=DATE_INPUT
    )

    class Meta:
        model = Transfer
        fields = ["area", "facility", "result", "date", "pending_on"]

    def filter_date(self, queryset, name, value):
        return queryset.filter(on_day("transferred_at", value))

    def filter_pending_on(self, queryset, name, value):
        return indicators.pending_on(queryset, value)


class CaseFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    classification = django_filters.ChoiceFilter(
        label=_("Classification"), choices=Classification.choices, method="filter_classification"
    )
    # With a day, the classification is the one the case had at the end of that day (the timeline).
    on = django_filters.DateFilter(label=_("Classification on"), method="filter_on", widget=DATE_INPUT)
    late = django_filters.BooleanFilter(label=_("Reported late"), method="filter_late")

    class Meta:
        model = Case
        fields = ["area", "classification", "on", "late"]

    def filter_classification(self, queryset, name, value):
        if self.form.cleaned_data.get("on"):
            return queryset  # filter_on reads it
        return queryset.filter(classification=value)

    def filter_on(self, queryset, name, value):
        return indicators.classified_on(queryset, value, self.form.cleaned_data.get("classification") or None)

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
    observed_on = django_filters.DateFilter(
        label=_("Under observation on"), method="filter_observed_on", widget=DATE_INPUT
    )
    recorded_on = django_filters.DateFilter(label=_("Recorded on"), method="filter_recorded_on", widget=DATE_INPUT)

    class Meta:
        model = Contact
        fields = ["area", "case", "setting", "last_contact_from", "observed_on", "recorded_on"]

    def filter_observed_on(self, queryset, name, value):
        return indicators.observed_on(queryset, value, "episode__")

    def filter_recorded_on(self, queryset, name, value):
        return queryset.filter(on_day("created", value))


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
