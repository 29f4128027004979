"""One filterset per model: list page, export and API."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import Division, RiskArea
from fangkong.core import crypto
from fangkong.core.filters import AreaFilter, BaseFilterSet
from fangkong.core.validators import normalise_id_number

from .forms import DivisionWidget
from .models import Arrival, Household, IdNumberReveal, KeyPersonTag, Person, ScreeningRound, exact_id_number


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
            from .services import LookupLimitReached, find_by_id_number

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
        fields = ["q", "tag", "residency", "within", "area", "id_number", "no_responsible"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_id_number(self, queryset, name, value):
        try:
            number = normalise_id_number(value, allow_15=True)
        except ValidationError:
            return queryset.none()
        return queryset.filter(id_number_hash=crypto.lookup_hash(number))

    def filter_no_responsible(self, queryset, name, value):
        return queryset.filter(responsible__isnull=True) if value else queryset


class KeyPersonTagFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = KeyPersonTag
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(name_en__icontains=value))


# --- arrivals, risk areas, divisions ---------------------------------------------------------------

YES_NO = [("true", _("yes")), ("false", _("no"))]
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


# Initials typed across levels ("whjh": 武汉 then 江汉) are tried at every split up to this length.
CROSS_LEVEL_INITIALS = 12


def search_divisions(queryset, text):
    """Every word must match a name, the full name, initials or a code prefix.

    Initials match the place or a parent (jh, wh), or run from a parent into the place: whjh is
    武汉市 江汉区 and hbjh 湖北省 … 江汉区, the way people abbreviate "city district".
    """
    for word in (text or "").split():
        lowered = word.lower()
        condition = Q(name__contains=word) | Q(full_name__contains=word)
        if word.isdigit():
            condition = Q(code__startswith=word)
        elif lowered.isascii() and lowered.isalpha():
            condition |= (
                Q(initials__startswith=lowered)
                | Q(parent__initials__startswith=lowered)
                | Q(parent__parent__initials__startswith=lowered)
            )
            if len(lowered) <= CROSS_LEVEL_INITIALS:
                for cut in range(1, len(lowered)):
                    upper, lower = lowered[:cut], lowered[cut:]
                    condition |= (
                        Q(parent__initials__startswith=upper, initials__startswith=lower)
                        | Q(parent__parent__initials__startswith=upper, initials__startswith=lower)
                        | Q(parent__parent__initials__startswith=upper, parent__initials__startswith=lower)
                    )
        queryset = queryset.filter(condition)
    return queryset


class DivisionFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", help_text=_("Name, initials or code"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Division.Level.choices)

    class Meta:
        model = Division
        fields = ["q", "level"]

    def filter_q(self, queryset, name, value):
        return search_divisions(queryset, value)


class ArrivalFilterSet(ExactIdLookupMixin, BaseFilterSet):
    q = django_filters.CharFilter(
        label=pgettext_lazy("person", "Name"), method="filter_q", help_text=_("Name, pinyin or initials")
    )
    area = AreaFilter(label=_("Area"))
    origin = django_filters.CharFilter(
        label=_("Coming from"),
        method="filter_origin",
        help_text=_("A province, prefecture or county: its code (2, 4 or 6 digits) or name."),
        widget=DivisionWidget(Division.Level.values),
    )
    risk = django_filters.ChoiceFilter(label=_("From a risk area"), choices=YES_NO, method="filter_risk")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Arrival.Kind.choices)
    arrived_after = django_filters.DateFilter(
        label=_("Arrived on or after"),
        field_name="arrived_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    arrived_before = django_filters.DateFilter(
        label=_("Arrived on or before"),
        field_name="arrived_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Arrival
        fields = ["q", "area", "origin", "risk", "kind", "arrived_after", "arrived_before"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(person__in=Person.objects.search(value).values("pk"))

    def filter_origin(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():  # a division's code: everything inside it
            return queryset.filter(origin__code__startswith=value)
        return queryset.filter(origin__in=search_divisions(Division.objects.all(), value).values("pk"))

    def filter_risk(self, queryset, name, value):
        return queryset.filter(risk_area__isnull=value != "true")


class NeedsObservationFilterSet(BaseFilterSet):
    """People flagged from a risk area or as close contacts with no observation episode yet."""

    area = AreaFilter(label=_("Area"))
    tag = django_filters.ChoiceFilter(
        label=_("Reason"),
        method="filter_tag",
        choices=[
            (KeyPersonTag.FROM_RISK_AREA, _("from a risk area")),
            (KeyPersonTag.CLOSE_CONTACT, _("close contact")),
        ],
    )

    class Meta:
        model = Person
        fields = ["area", "tag"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__code=value)


class RiskAreaFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", help_text=_("Name, initials or code"))
    in_force_on = django_filters.DateFilter(label=_("In force on"), method="filter_in_force", widget=DATE_INPUT)
    level = django_filters.ChoiceFilter(label=_("Risk level"), choices=RiskArea.Level.choices)

    class Meta:
        model = RiskArea
        fields = ["q", "in_force_on", "level"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(division__in=search_divisions(Division.objects.all(), value).values("pk"))

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(valid_from__lte=value).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=value))


# --- households ----------------------------------------------------------------------------------

NOBODY = "none"
# Past this many people the responsible filter is typed (user name) rather than a select.
RESPONSIBLE_SELECT_LIMIT = 300


class HouseholdFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Address"), method="filter_q", help_text=_("Part of the address"))
    within = AreaFilter(label=_("Area"))
    # The API's name for the same filter: an area code, its whole subtree.
    area = AreaFilter(label=_("Area (code, subtree)"))
    responsible = django_filters.ChoiceFilter(
        label=_("Responsible person"), method="filter_responsible", empty_label=_("Anyone")
    )

    class Meta:
        model = Household
        fields = ["q", "within", "area", "responsible"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import responsible_candidates

        user = getattr(self.request, "user", None)
        limit = RESPONSIBLE_SELECT_LIMIT
        candidates = list(responsible_candidates(user).only("pk", "username", "full_name")[: limit + 1]) if user else []
        if len(candidates) > limit:
            # Too many people for a select on a phone: typed instead, as a user name, id or "none".
            typed = django_filters.CharFilter(
                field_name="responsible",
                label=_("Responsible person"),
                method="filter_responsible",
                help_text=_('User name, or "none" for households without one'),
            )
            typed.model, typed.parent = self.queryset.model, self
            self.filters["responsible"] = typed
            return
        self.filters["responsible"].extra["choices"] = [
            (NOBODY, _("Nobody yet (missing)")),
            *((str(candidate.pk), str(candidate)) for candidate in candidates),
        ]

    def filter_q(self, queryset, name, value):
        return queryset.filter(address__contains=value.strip())

    def filter_responsible(self, queryset, name, value):
        value = value.strip()
        if value == NOBODY:
            return queryset.filter(responsible__isnull=True)
        if value.isdigit():
            return queryset.filter(responsible_id=value)
        return queryset.filter(responsible__username=value)


class ScreeningRoundFilterSet(BaseFilterSet):
    STATUS_CHOICES = [("open", _("open")), ("overdue", _("overdue")), ("closed", _("closed"))]

    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status")
    area = AreaFilter(label=_("Area"), help_text=_("Rounds in this area"))

    class Meta:
        model = ScreeningRound
        fields = ["q", "status", "area"]

    def filter_status(self, queryset, name, value):
        today = datetime.date.today()
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        if value == "overdue":
            return queryset.filter(closed_on__isnull=True, deadline__lt=today)
        return queryset.filter(closed_on__isnull=True, deadline__gte=today)


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
