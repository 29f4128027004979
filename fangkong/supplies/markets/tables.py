import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable

from .models import BasketItem, Inspection, Market, Price, Problem


class BasketItemTable(BaseTable):
    code = tables.Column(verbose_name=_("Code"), linkify=True)
    name = tables.Column(verbose_name=_("Name"))
    name_en = tables.Column(verbose_name=_("English name"))
    unit = tables.Column(verbose_name=_("Unit"))
    jump_percent = tables.Column(verbose_name=_("Price jump (%)"))
    highest_price = tables.Column(verbose_name=_("Highest plausible price"))
    active = tables.BooleanColumn(verbose_name=_("In use"))

    class Meta(BaseTable.Meta):
        model = BasketItem
        fields = ("code", "name", "name_en", "unit", "jump_percent", "highest_price", "active")


class MarketTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    kind = tables.Column(verbose_name=_("Kind"))
    address = tables.Column(verbose_name=_("Address"))
    contact = tables.Column(verbose_name=_("Contact"))
    phone = tables.Column(verbose_name=_("Phone"))
    active = tables.BooleanColumn(verbose_name=_("In use"))

    class Meta(BaseTable.Meta):
        model = Market
        fields = ("name", "area", "kind", "address", "contact", "phone", "active")

    def render_area(self, value):
        return value.label()


class InspectionTable(BaseTable):
    inspected_on = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d", linkify=True)
    market = tables.Column(verbose_name=_("Market"), order_by="market__name")
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    stock = tables.Column(verbose_name=_("Stock"))
    wildlife_ban_observed = tables.BooleanColumn(verbose_name=_("Wildlife ban observed"))
    disinfected = tables.BooleanColumn(verbose_name=_("Disinfected"))
    staff_checked = tables.Column(verbose_name=_("Staff checked"))
    staff_fever = tables.Column(verbose_name=_("With fever"))
    jumps = tables.Column(verbose_name=_("Price jumps"))

    class Meta(BaseTable.Meta):
        model = Inspection
        fields = (
            "inspected_on",
            "market",
            "area",
            "stock",
            "wildlife_ban_observed",
            "disinfected",
            "staff_checked",
            "staff_fever",
            "jumps",
        )
        row_attrs = {"class": lambda record: "table-warning" if record.jumps else ""}

    def render_area(self, value):
        return value.label()


class PriceTable(BaseTable):
    priced_on = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d")
    item = tables.Column(verbose_name=_("Item"), accessor="item__name", order_by="item__position")
    unit = tables.Column(verbose_name=_("Unit"), accessor="item__unit", orderable=False)
    price = tables.Column(verbose_name=_("Price (yuan)"))
    week_earlier = tables.Column(verbose_name=_("A week earlier"))
    change_percent = tables.Column(verbose_name=_("Change (%)"))
    jumped = tables.BooleanColumn(verbose_name=_("Price jump"))
    market = tables.Column(
        verbose_name=_("Market"), accessor="inspection__market__name", linkify=lambda record: record.get_absolute_url()
    )
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")

    class Meta(BaseTable.Meta):
        model = Price
        fields = ("priced_on", "item", "unit", "price", "week_earlier", "change_percent", "jumped", "market", "area")
        row_attrs = {"class": lambda record: "table-danger" if record.jumped else ""}

    def render_item(self, record):
        return record.item.label

    def render_area(self, value):
        return value.label()


class ProblemTable(BaseTable):
    description = tables.Column(verbose_name=_("Problem"), linkify=True)
    market = tables.Column(verbose_name=_("Market"), order_by="market__name")
    rectify_by = tables.DateColumn(verbose_name=_("Rectify by"), format="Y-m-d")
    status = tables.Column(verbose_name=_("Status"))
    found_on = tables.DateColumn(verbose_name=_("Found on"), accessor="found_at__inspected_on", format="Y-m-d")
    closed_on = tables.DateColumn(verbose_name=_("Closed on"), accessor="closed_at__inspected_on", format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = Problem
        fields = ("description", "market", "rectify_by", "status", "found_on", "closed_on")
