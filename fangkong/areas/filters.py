import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import Area


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
