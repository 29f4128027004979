"""Grids imported from a spreadsheet: one row per grid, its village's code and its name."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core.imports import Column, Importer, Outcome, as_text

from . import services
from .models import Area

VILLAGE_CODE_DIGITS = 12


class GridImporter(Importer):
    model = Area
    columns = [
        Column("village", ("村代码", "village code", "村(社区)代码", "村社区代码")),
        Column("name", ("网格名称", "grid name", "网格", "name")),
    ]
    unique = ("village", "name")
    area_column = "village"
    filename = "grids"

    def __init__(self, user):
        super().__init__(user)
        self.villages = {}  # code -> Area or None: a file names the same few villages again and again

    def clean_row(self, values):
        code = as_text(values["village"])
        if not (code.isdigit() and len(code) == VILLAGE_CODE_DIGITS):
            raise ValidationError({"village": _("a village code has 12 digits; %(code)s does not") % {"code": code}})
        if code not in self.villages:
            self.villages[code] = Area.objects.filter(code=code, level=Area.Level.VILLAGE).first()
        village = self.villages[code]
        if village is None:
            raise ValidationError({"village": _("no village or community has the code %(code)s") % {"code": code}})
        name = as_text(values["name"])
        limit = Area._meta.get_field("name").max_length
        if len(name) > limit:
            raise ValidationError({"name": _("at most %(limit)d characters") % {"limit": limit}})
        return {"village": village, "name": name}

    def write_row(self, cleaned):
        village, name = cleaned["village"], cleaned["name"]
        if village.children.filter(level=Area.Level.GRID, name=name, retired_on__isnull=True).exists():
            return Outcome.UNCHANGED
        services.create_grid(village, name)
        return Outcome.CREATED
