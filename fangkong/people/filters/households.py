"""Households."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .. import difficulties, indicators
from ..models import Household

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
    difficulty = django_filters.ChoiceFilter(
        label=_("Difficulty"),
        choices=[(difficulties.ANY, _("Any difficulty")), *difficulties.ALL],
        method="filter_difficulty",
        empty_label=_("Any household"),
    )
    # The daily report's figures link here: the households as counted on a day.
    registered_by = django_filters.DateFilter(
        label=_("Registered by"), method="filter_registered_by", widget=forms.DateInput(attrs={"type": "date"})
    )
    screened_by = django_filters.DateFilter(
        label=_("Screened by"),
        method="filter_screened_by",
        help_text=_("Visited by this day in a screening round open that day"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Household
        fields = ["q", "within", "area", "responsible", "difficulty", "registered_by", "screened_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ..services import responsible_candidates

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

    def filter_difficulty(self, queryset, name, value):
        return queryset.filter(difficulties.condition(value))

    def filter_registered_by(self, queryset, name, value):
        return indicators.registered_by(queryset, value)

    def filter_screened_by(self, queryset, name, value):
        return indicators.screened_by(queryset, value)

    def filter_responsible(self, queryset, name, value):
        value = value.strip()
        if value == NOBODY:
            return queryset.filter(responsible__isnull=True)
        if value.isdigit():
            return queryset.filter(responsible_id=value)
        return queryset.filter(responsible__username=value)
