import django_filters

from .forms import style_widgets


class BaseFilterSet(django_filters.FilterSet):
    """One filterset per model serves its list page, its export and its API."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            style_widgets(form)
            form._styled = True
        return form
