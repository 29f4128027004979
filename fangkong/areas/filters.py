import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import Area, Division, RiskArea

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class AreaFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", help_text=_("Name, code, pinyin or initials"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Area.Level.choices)
    parent = django_filters.CharFilter(label=_("Parent code"), field_name="parent__code")
    within = AreaFilter(label=_("Within"), lookup="path")
    include_special = django_filters.BooleanFilter(
        label=_("Include special units"), method="filter_special", widget=forms.CheckboxInput
    )
    include_retired = django_filters.BooleanFilter(
        label=_("Include retired grids"), method="filter_retired", widget=forms.CheckboxInput
    )

    class Meta:
        model = Area
        fields = ["q", "level", "parent", "within"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_special(self, queryset, name, value):
        return queryset if value else queryset.filter(is_special=False)

    def filter_retired(self, queryset, name, value):
        return queryset if value else queryset.filter(retired_on__isnull=True)


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
