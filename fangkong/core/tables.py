import django_tables2 as tables

from . import scope
from .roles import Action


class BaseTable(tables.Table):
    """Columns listed in not_exported stay out of CSV/xlsx exports (buttons, links). A column listed
    in ``column_actions`` (name: action) is left out for a user whose roles allow that action on the
    table's model nowhere: a list shows no buttons that would answer 403."""

    not_exported = ("actions",)
    column_actions = {"actions": Action.CHANGE}

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"

    def before_render(self, request):
        forbidden = [
            name
            for name, action in self.column_actions.items()
            if name in self.base_columns and not scope.can(request.user, action, self._meta.model)
        ]
        if forbidden:
            self.exclude = (*self.exclude, *forbidden)
