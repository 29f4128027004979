import django_filters
import django_tables2 as tables
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from .filters import AreaFilter, BaseFilterSet
from .models import ChangeLogEntry
from .tables import BaseTable
from .views import ObjectDetailView, ObjectListView


class ChangeLogFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Record"), field_name="object_repr", lookup_expr="icontains")
    user = django_filters.CharFilter(label=_("User"), field_name="user_name")
    kind = django_filters.ChoiceFilter(label=_("Action"), choices=ChangeLogEntry.Kind.choices)
    source = django_filters.CharFilter(label=_("Source"))
    content_type = django_filters.ModelChoiceFilter(
        label=_("Record type"),
        queryset=ContentType.objects.filter(app_label__in=["areas", "accounts", "people", "health", "reports"]),
    )
    request_id = django_filters.CharFilter(label=_("Request id"))
    object_id = django_filters.CharFilter(label=_("Record id"))
    within = AreaFilter(label=_("Within"))
    since = django_filters.DateFilter(label=_("From"), field_name="time", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="time", lookup_expr="date__lte")

    class Meta:
        model = ChangeLogEntry
        fields = ["q", "user", "kind", "source", "content_type", "request_id", "object_id", "within", "since", "until"]


class ChangeLogTable(BaseTable):
    # Entries of one bulk write share their time: the id keeps them in the order written, on the page
    # and in its export alike.
    time = tables.DateTimeColumn(
        verbose_name=_("Time"),
        linkify=lambda record: record.get_absolute_url(),
        format="Y-m-d H:i:s",
        order_by=("time", "id"),
    )
    user_name = tables.Column(verbose_name=_("User"))
    kind = tables.Column(verbose_name=_("Action"))
    content_type = tables.Column(verbose_name=_("Record type"))
    object_repr = tables.Column(verbose_name=_("Record"))
    source = tables.Column(verbose_name=_("Source"))
    request_id = tables.Column(verbose_name=_("Request id"))

    class Meta(BaseTable.Meta):
        model = ChangeLogEntry
        fields = ("time", "user_name", "kind", "content_type", "object_repr", "source", "request_id")
        order_by = "-time"

    def render_content_type(self, value):
        model = value.model_class()
        return model._meta.verbose_name if model else value.model


class ChangeLogListView(ObjectListView):
    model = ChangeLogEntry
    table_class = ChangeLogTable
    filterset_class = ChangeLogFilterSet
    title = _("Change log")
    exact_count = False  # an import of 100,000 rows logs 200,000 entries: never COUNT(*) them

    def get_queryset(self):
        return super().get_queryset().select_related("content_type")


class ChangeLogEntryView(ObjectDetailView):
    model = ChangeLogEntry
    template_name = "core/changelog_entry.html"
