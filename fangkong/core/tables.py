import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class BaseTable(tables.Table):
    """Columns listed in not_exported stay out of CSV/xlsx exports (buttons, links).

    An empty table says so (``empty_text``, which a list view sets to its own wording) and offers the
    list's next steps (``empty_actions``: label and URL pairs) instead of showing a bare header row.
    """

    not_exported = ("actions",)
    empty_actions = ()

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "core/table.html"
        empty_text = _("Nothing is registered here yet.")
