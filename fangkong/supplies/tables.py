import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable

from .models import Allocation, AllocationLine, Donation, Item, Stock, StockMove, Store


class ItemTable(BaseTable):
    code = tables.Column(verbose_name=_("Code"), linkify=True)
    name = tables.Column(verbose_name=_("Name"))
    name_en = tables.Column(verbose_name=_("English name"))
    category = tables.Column(verbose_name=_("Category"))
    unit = tables.Column(verbose_name=_("Unit"))
    active = tables.BooleanColumn(verbose_name=_("In use"))

    class Meta(BaseTable.Meta):
        model = Item
        fields = ("code", "name", "name_en", "category", "unit", "active")


class StoreTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    kind = tables.Column(verbose_name=_("Kind"))
    keeper = tables.Column(verbose_name=_("Keeper"))
    active = tables.BooleanColumn(verbose_name=_("In use"))

    class Meta(BaseTable.Meta):
        model = Store
        fields = ("name", "area", "kind", "keeper", "active")

    def render_area(self, value):
        return value.label()


class StockTable(BaseTable):
    """Needs the rows ``with_levels``."""

    store = tables.Column(verbose_name=_("Store"), linkify=True, order_by="area_path")
    item = tables.Column(verbose_name=_("Item"), accessor="item__name")
    unit = tables.Column(verbose_name=_("Unit"), accessor="item__unit", orderable=False)
    quantity = tables.Column(verbose_name=_("Stock"))
    safety_level = tables.Column(verbose_name=_("Safety level"))
    used_week = tables.Column(verbose_name=_("Used in the last 7 days"))
    days_left = tables.Column(verbose_name=_("Days left"), accessor="days_left", orderable=False)
    low = tables.BooleanColumn(verbose_name=_("Low"))
    actions = tables.LinkColumn(
        "supplies:stock-edit", args=[tables.A("pk")], text=_("Safety level"), verbose_name="", orderable=False
    )

    class Meta(BaseTable.Meta):
        model = Stock
        fields = ("store", "item", "unit", "quantity", "safety_level", "used_week", "days_left", "low")
        row_attrs = {"class": lambda record: "table-warning" if record.low else ""}


class StockMoveTable(BaseTable):
    moved_on = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d")
    store = tables.Column(verbose_name=_("Store"), linkify=True)
    item = tables.Column(verbose_name=_("Item"), accessor="item__name")
    kind = tables.Column(verbose_name=_("Kind"))
    delta = tables.Column(verbose_name=_("Quantity"))
    to_store = tables.Column(verbose_name=_("To store"))
    recipient = tables.Column(verbose_name=_("Recipient"))
    supplier = tables.Column(verbose_name=_("Supplier"))
    unit_price = tables.Column(verbose_name=_("Unit price (yuan)"))
    note = tables.Column(verbose_name=_("Note"))

    class Meta(BaseTable.Meta):
        model = StockMove
        fields = (
            "moved_on",
            "store",
            "item",
            "kind",
            "delta",
            "to_store",
            "recipient",
            "supplier",
            "unit_price",
            "note",
        )


class AllocationTable(BaseTable):
    allocated_on = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d", linkify=True)
    from_store = tables.Column(verbose_name=_("From store"))
    item = tables.Column(verbose_name=_("Item"), accessor="item__name")
    donation = tables.Column(verbose_name=_("Donated goods from"), accessor="donation__receipt_number")
    note = tables.Column(verbose_name=_("Note"))

    class Meta(BaseTable.Meta):
        model = Allocation
        fields = ("allocated_on", "from_store", "item", "donation", "note")


class ReceiptTable(BaseTable):
    to_store = tables.Column(verbose_name=_("To store"))
    from_store = tables.Column(verbose_name=_("From store"), accessor="allocation__from_store", linkify=False)
    item = tables.Column(verbose_name=_("Item"), accessor="allocation__item__name")
    quantity = tables.Column(verbose_name=_("Quantity sent"))
    received_quantity = tables.Column(verbose_name=_("Quantity received"))
    difference = tables.Column(verbose_name=_("Difference"), accessor="difference", orderable=False)
    received_on = tables.DateColumn(verbose_name=_("Received on"), format="Y-m-d")
    actions = tables.TemplateColumn(
        '{% load i18n %}{% if record.received_quantity is None %}<a href="{% url "supplies:receipt-confirm" '
        'record.pk %}">{% translate "Confirm receipt" %}</a>{% endif %}',
        verbose_name="",
        orderable=False,
    )

    class Meta(BaseTable.Meta):
        model = AllocationLine
        fields = ("to_store", "from_store", "item", "quantity", "received_quantity", "difference", "received_on")


class DonationTable(BaseTable):
    receipt_number = tables.Column(verbose_name=_("Receipt number"), linkify=True)
    received_on = tables.DateColumn(verbose_name=_("Received on"), format="Y-m-d")
    donor_name = tables.Column(verbose_name=_("Donor"))
    donor_kind = tables.Column(verbose_name=_("Donor is a"))
    named_publicly = tables.BooleanColumn(verbose_name=_("May be named publicly"))
    kind = tables.Column(verbose_name=_("Kind"))
    amount = tables.Column(verbose_name=_("Amount (yuan)"))
    use = tables.Column(verbose_name=_("Designated use"))
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    received_by = tables.Column(verbose_name=_("Received by"))

    class Meta(BaseTable.Meta):
        model = Donation
        fields = (
            "receipt_number",
            "received_on",
            "donor_name",
            "donor_kind",
            "named_publicly",
            "kind",
            "amount",
            "use",
            "area",
            "received_by",
        )

    def render_area(self, value):
        return value.label()
