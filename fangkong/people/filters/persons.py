"""Persons and the ID-number reveal log; the exact ID-number lookup the arrivals share."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.core import crypto, person_status
from fangkong.core.filters import AreaFilter, BaseFilterSet
from fangkong.core.validators import normalise_id_number

from ..models import IdNumberReveal, KeyPersonTag, Person, exact_id_number


class ExactIdLookupMixin:
    """A search for a whole ID number is a look-up like the register's duplicate check: logged and
    limited per day for roles that may not reveal numbers (services.find_by_id_number). Past the
    limit the filter is invalid, so the list, its export and the API answer with the message."""

    exact_id_fields = ("q",)

    def is_valid(self):
        if not super().is_valid():
            return False
        if not hasattr(self, "_lookups_logged"):
            self._lookups_logged = True
            from ..services import LookupLimitReached, find_by_id_number

            user = getattr(self.request, "user", None)
            for name in self.exact_id_fields:
                number = exact_id_number(self.form.cleaned_data.get(name) or "")
                if number and user is not None:
                    try:
                        find_by_id_number(number, user)
                    except LookupLimitReached as error:
                        self.form.add_error(name, error)
        return not self.form.errors


class PersonFilterSet(ExactIdLookupMixin, BaseFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        help_text=_("Name, pinyin, initials, last 4 or all of the ID number, or phone"),
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Key-person category"),
        field_name="tags",
        to_field_name="code",
        queryset=KeyPersonTag.objects.all(),
        method="filter_tag",
    )
    colour = django_filters.ChoiceFilter(
        label=_("Colour"), choices=list(person_status.COLOUR_LABELS.items()), method="filter_colour"
    )
    residency = django_filters.ChoiceFilter(label=_("Residency"), choices=Person.Residency.choices)
    within = AreaFilter(label=_("Area"))
    # The API's name for the same filter (docs/architecture.md): an area code, its whole subtree.
    area = AreaFilter(label=_("Area (code, subtree)"))
    id_number = django_filters.CharFilter(label=_("ID number (exact)"), method="filter_id_number")
    no_responsible = django_filters.BooleanFilter(
        label=_("No responsible cadre"), method="filter_no_responsible", widget=forms.CheckboxInput
    )

    exact_id_fields = ("q", "id_number")

    class Meta:
        model = Person
        fields = ["q", "tag", "colour", "residency", "within", "area", "id_number", "no_responsible"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_tag(self, queryset, name, tag):
        """A derived category (fever, under observation) is read from the records, like the colour."""
        if tag.code in KeyPersonTag.DERIVED:
            return queryset.filter(person_status.condition(tag.code))
        return queryset.filter(tags=tag)

    def filter_colour(self, queryset, name, value):
        return queryset.filter(person_status.condition(value))

    def filter_id_number(self, queryset, name, value):
        try:
            number = normalise_id_number(value, allow_15=True)
        except ValidationError:
            return queryset.none()
        return queryset.filter(id_number_hash=crypto.lookup_hash(number))

    def filter_no_responsible(self, queryset, name, value):
        return queryset.filter(responsible__isnull=True) if value else queryset


class IdNumberRevealFilterSet(BaseFilterSet):
    """The reveal log: by user, kind, dates and the area of the person whose number it was."""

    user = django_filters.CharFilter(label=_("User"), field_name="user__username")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=IdNumberReveal.Kind.choices)
    since = django_filters.DateFilter(
        label=_("From"), field_name="time", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("Until"), field_name="time", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    area = AreaFilter(label=_("Area (code, subtree)"))

    class Meta:
        model = IdNumberReveal
        fields = ["user", "kind", "since", "until", "area"]
