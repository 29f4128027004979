import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from . import scope
from .pagination import Pagination
from .roles import Action


class BaseTable(tables.Table):
    """Columns listed in not_exported stay out of CSV/xlsx exports (buttons, links). A column listed
    in ``column_actions`` (name: action) is left out for a user whose roles allow that action on the
    table's model nowhere: a list shows no buttons that would answer 403.

    An empty table says so (``empty_text``, which a list view sets to its own wording) and offers the
    list's next steps (``empty_actions``: label and URL pairs) instead of showing a bare header row.
    """

    not_exported = ("actions",)
    column_actions = {"actions": Action.CHANGE}
    empty_actions = ()

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "core/table.html"
        empty_text = _("Nothing is registered here yet.")

    def paginate(self, *args, per_page=None, **kwargs):
        # ?per_page= reaches here from the query (django-tables2's RequestConfig): at least one row a page
        # (0 or less fails in the paginator) and no more than the API's largest page.
        if per_page is not None:
            per_page = min(max(per_page, 1), Pagination.max_page_size)
        return super().paginate(*args, per_page=per_page, **kwargs)

    def before_render(self, request):
        forbidden = [
            name
            for name, action in self.column_actions.items()
            if name in self.base_columns and not scope.can(request.user, action, self._meta.model)
        ]
        if forbidden:
            self.exclude = (*self.exclude, *forbidden)
