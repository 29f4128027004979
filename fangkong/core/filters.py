import django_filters
from django.http import QueryDict

from .forms import style_widgets


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
            form._styled = True
        return form
