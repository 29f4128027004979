import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.core.figures import percent
from fangkong.core.tables import BaseTable

from ..models import Notice, NoticeRelay, Question, Rumour


class NoticeTable(BaseTable):
    """Needs the rows ``with_coverage(user)``: the grids of the user's areas that relayed it."""

    title = tables.Column(verbose_name=_("Title"), linkify=True)
    area = tables.Column(verbose_name=_("Published by"), order_by="area_path")
    published_on = tables.DateColumn(verbose_name=_("Publish date"), format="Y-m-d")
    relayed = tables.Column(verbose_name=_("Grids relayed"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Notice
        fields = ("title", "area", "published_on", "relayed")
        row_attrs = {"class": lambda record: "table-warning" if record.relayed < record.grids else ""}

    def render_area(self, value):
        return value.label()

    def render_relayed(self, record):
        shown = percent(record.relayed, record.grids)
        return f"{record.relayed}/{record.grids}" + ("" if shown is None else f" ({shown}%)")

    def value_relayed(self, record):
        return f"{record.relayed}/{record.grids}"


class NoticeRelayTable(BaseTable):
    relayed_at = tables.DateTimeColumn(verbose_name=_("Relayed at"), format="Y-m-d H:i")
    notice = tables.Column(verbose_name=_("Notice"), linkify=True)
    area = tables.Column(verbose_name=_("Grid"), order_by="area_path")
    methods = tables.Column(verbose_name=_("Methods"), accessor="pk", orderable=False)
    note = tables.Column(verbose_name=_("Note"))
    relayed_by = tables.Column(verbose_name=_("Relayed by"))

    class Meta(BaseTable.Meta):
        model = NoticeRelay
        fields = ("relayed_at", "notice", "area", "methods", "note", "relayed_by")

    def render_area(self, value):
        return value.label()

    def render_methods(self, record):
        return record.methods_display()

    def value_methods(self, record):
        return record.methods_display()


class RumourTable(BaseTable):
    claim = tables.Column(verbose_name=_("Rumour"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    source = tables.Column(verbose_name=_("Source"))
    refuted_on = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d")
    published = tables.BooleanColumn(verbose_name=_("Published"))

    class Meta(BaseTable.Meta):
        model = Rumour
        fields = ("claim", "area", "source", "refuted_on", "published")

    def render_area(self, value):
        return value.label()

    def render_claim(self, value):
        return value if len(value) <= 60 else f"{value[:60]}…"

    def value_claim(self, value):
        return value


class QuestionTable(BaseTable):
    question = tables.Column(verbose_name=_("Question"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    published = tables.BooleanColumn(verbose_name=_("Published"))
    last_updated = tables.DateColumn(verbose_name=_("Last updated"), format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = Question
        fields = ("question", "area", "published", "last_updated")

    def render_area(self, value):
        return value.label()
