import django_filters
from django import forms
from django.core.validators import MaxLengthValidator
from django.http import QueryDict

from .forms import AreaPickerWidget, bound_dates, style_widgets, validate_not_too_large
from .scope import subtree_q

# Longer than any code, ID number, name or address searched for; a 50 KB search is refused before it
# reaches the database (SQLite's LIKE fails on patterns past 50,000 bytes).
SEARCH_MAX_LENGTH = 200


def bound_inputs(form):
    """Every filter's input within reach of the database: texts capped, numbers within an integer's range.

    A number too long for a database integer is refused in every filter (text ones included: some
    read ids from their text), so no filter can turn it into an OverflowError.
    """
    for field in form.fields.values():
        field.validators.append(validate_not_too_large)
        if isinstance(field, forms.CharField):
            field.validators.append(MaxLengthValidator(SEARCH_MAX_LENGTH))
            field.widget.attrs.setdefault("maxlength", str(SEARCH_MAX_LENGTH))


class BaseFilterSet(django_filters.FilterSet):
    """One filterset per model serves its list page, its export and its API."""

    def __init__(self, data=None, *args, **kwargs):
        # Always bound, so a list opened without a query still applies the filters' defaults
        # (e.g. special units and retired grids hidden): FilterView passes None for an empty query.
        super().__init__(QueryDict() if data is None else data, *args, **kwargs)

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            style_widgets(form)
            bound_inputs(form)
            bound_dates(form)
            self.name_areas_in_scope(form)
            form._styled = True
        return form

    def name_areas_in_scope(self, form):
        from fangkong.areas.models import Area

        user = getattr(self.request, "user", None)
        for field in form.fields.values():
            if isinstance(field.widget, AreaPickerWidget):
                field.widget.areas = Area.objects.restrict(user) if user else Area.objects.none()


class AreaFilter(django_filters.CharFilter):
    """Records within an area, its whole subtree, named by the area's code (the URL and API parameter).

    Pages pick the area by name, pinyin or initials (AreaPickerWidget); text typed without JavaScript
    is looked up among the user's areas and used when it names exactly one. ``lookup`` is the
    records' area path field.
    """

    def __init__(self, *args, lookup="area_path", **kwargs):
        self.lookup = lookup
        kwargs.setdefault("widget", AreaPickerWidget())
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        from fangkong.areas.models import Area

        value = (value or "").strip()
        if not value:
            return queryset
        area = Area.objects.filter(code=value).first()
        if area is None and not value.isdigit():
            user = getattr(self.parent.request, "user", None)
            found = list(Area.objects.restrict(user).search(value)[:2]) if user else []
            area = found[0] if len(found) == 1 else None
        if area is None:
            return queryset.none()
        queryset = queryset.filter(subtree_q(self.lookup, area.path))
        return queryset.distinct() if self.distinct else queryset
