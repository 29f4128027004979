"""Key-person categories."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable

from ..models import KeyPersonTag


class KeyPersonTagTable(BaseTable):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name (Chinese)"))
    name_en = tables.Column(verbose_name=_("Name (English)"))
    builtin = tables.BooleanColumn(verbose_name=_("Built in"))
    actions = tables.Column(verbose_name="", accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = KeyPersonTag
        fields = ("code", "name", "name_en", "builtin")

    def render_actions(self, record):
        rename = format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            reverse("people:tag-edit", args=[record.pk]),
            _("Rename"),
        )
        if record.builtin:
            return rename
        delete = format_html(
            ' <a class="btn btn-sm btn-outline-danger" href="{}">{}</a>',
            reverse("people:tag-delete", args=[record.pk]),
            _("Delete"),
        )
        return rename + delete
