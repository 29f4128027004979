import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import scope
from fangkong.core.forms import ScopedModelForm, StyledForm, prefill
from fangkong.core.roles import ALL_ROLES, Action

from .models import DIRECT_KINDS, MAX_QUANTITY, Allocation, AllocationLine, Donation, Item, Stock, StockMove, Store

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(ScopedModelForm):
    class Meta:
        model = Item
        fields = ["code", "name", "name_en", "category", "unit", "active"]


def _areas_to_write(form, model):
    form.fields["area"].queryset = scope.areas_for(form.user, model.roles_by_action[Action.ADD]).order_by("path")


class StoreForm(ScopedModelForm):
    class Meta:
        model = Store
        fields = ["name", "kind", "area", "keeper", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _areas_to_write(self, Store)


class StockForm(ScopedModelForm):
    class Meta:
        model = Stock
        fields = ["safety_level"]


class StockMoveForm(ScopedModelForm):
    """One move; its hidden key makes a form sent twice (a double tap) save once."""

    class Meta:
        model = StockMove
        fields = [
            "store",
            "item",
            "kind",
            "quantity",
            "moved_on",
            "to_store",
            "recipient",
            "supplier",
            "unit_price",
            "note",
            "key",
        ]
        widgets = {"moved_on": DATE, "key": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in DIRECT_KINDS]
        self.fields["item"].queryset = Item.objects.filter(active=True)
        self.fields["store"].queryset = Store.objects.restrict(self.user, Action.ADD).filter(active=True)
        prefill(self, moved_on=timezone.localdate(), key=uuid.uuid4().hex)

    def validate_unique(self):
        """A key seen before is answered by ``services.record_move``, not refused here."""


class ConfirmReceiptForm(ScopedModelForm):
    class Meta:
        model = AllocationLine
        fields = ["received_quantity", "received_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_quantity"].required = True
        self.fields["received_quantity"].max_value = MAX_QUANTITY
        prefill(self, received_quantity=self.instance.quantity)


def donations_to_pass_on(user):
    """Gifts of goods whose goods a user's store may hand down: the user's own, and those that reached
    the user's stores through an allocation from above (a town passes the county's donation on)."""
    received = AllocationLine._base_manager.filter(scope.user_q(user, ALL_ROLES, "area_path"))
    own = Donation.objects.restrict(user).values("pk")
    return Donation.objects.filter(
        Q(pk__in=own) | Q(pk__in=received.values("allocation__donation")), kind=Donation.Kind.GOODS
    )


class AllocationForm(ScopedModelForm):
    """The head of an allocation; the rows (one per store below) are read by the view."""

    class Meta:
        model = Allocation
        fields = ["from_store", "item", "allocated_on", "donation", "note"]
        widgets = {"allocated_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_store"].queryset = Store.objects.restrict(self.user, Action.ADD).filter(active=True)
        self.fields["item"].queryset = Item.objects.filter(active=True)
        self.fields["donation"].queryset = donations_to_pass_on(self.user)
        prefill(self, allocated_on=timezone.localdate())


class DonationForm(ScopedModelForm):
    class Meta:
        model = Donation
        fields = [
            "donor_name",
            "donor_kind",
            "named_publicly",
            "kind",
            "amount",
            "use",
            "receipt_number",
            "area",
            "received_by",
            "received_on",
            "store",
            "note",
        ]
        widgets = {"received_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _areas_to_write(self, Donation)
        prefill(self, received_on=timezone.localdate())


class GoodsForm(StyledForm):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.filter(active=True), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("item")) != bool(data.get("quantity")) and not self.errors:
            raise forms.ValidationError(_("Give both the item and its quantity."))
        return data


GoodsFormSet = forms.formset_factory(GoodsForm, extra=3)


def goods_of(formset):
    return [
        (form.cleaned_data["item"], form.cleaned_data["quantity"]) for form in formset if form.cleaned_data.get("item")
    ]
