import django_tables2 as tables


class BaseTable(tables.Table):
    """Columns listed in not_exported stay out of CSV/xlsx exports (buttons, links)."""

    not_exported = ("actions",)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
