"""Forms of markets: the register of markets, the basket, and the phone form of an inspection (a row
per basket item with its price, the problems found, the market's open problems to close)."""

import decimal
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.forms import ModelMultipleChoiceField, ScopedModelForm
from fangkong.core.roles import Action

from .models import Adequacy, BasketItem, Inspection, Market, Price, Problem, check_price

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MARKET_LEVELS = [Area.Level.TOWN, Area.Level.VILLAGE]
PROBLEM_ROWS = 3


def _cents(value):
    return None if value is None else value.quantize(decimal.Decimal("0.01"))


class BasketItemForm(ScopedModelForm):
    class Meta:
        model = BasketItem
        fields = ["code", "name", "name_en", "unit", "position", "jump_percent", "highest_price", "active"]


class MarketForm(ScopedModelForm):
    class Meta:
        model = Market
        fields = ["name", "kind", "area", "address", "contact", "phone", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = scope.areas_for(self.user, Market.roles_by_action[Action.ADD], MARKET_LEVELS)
        self.fields["area"].queryset = areas.order_by("path")
        self.fields["area"].help_text = _("The town or village the market is in.")


class InspectionForm(ScopedModelForm):
    """The inspection, with ``price_<code>`` and ``stock_<code>`` for each basket item in use,
    ``problem_<n>`` and ``deadline_<n>`` for problems found, and ``rectified`` (the market's open
    problems). Its hidden key makes a form sent twice (a double tap) save once."""

    rectified = ModelMultipleChoiceField(
        label=_("Rectified since"), queryset=Problem.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Inspection
        fields = [
            "inspected_on",
            "stock",
            "wildlife_ban_observed",
            "disinfected",
            "staff_checked",
            "staff_fever",
            "note",
            "key",
        ]
        widgets = {"inspected_on": DATE, "key": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        market = self.instance.market
        # A new inspection's own blank key and date are not the defaults: fill them in.
        self.initial["key"] = self.initial.get("key") or uuid.uuid4().hex
        self.initial["inspected_on"] = self.initial.get("inspected_on") or timezone.localdate()
        self.basket = list(BasketItem.objects.filter(active=True))
        for item in self.basket:
            self.fields[f"price_{item.code}"] = forms.DecimalField(
                label=str(item),
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}),
            )
            self.fields[f"stock_{item.code}"] = forms.ChoiceField(
                label=_("Stock of %(item)s") % {"item": item.label},
                required=False,
                choices=[("", "—"), *Adequacy.choices],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        for n in range(1, PROBLEM_ROWS + 1):
            self.fields[f"problem_{n}"] = forms.CharField(
                label=_("Problem found"),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"deadline_{n}"] = forms.DateField(
                label=_("Rectify by"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            )
        problems = Problem.objects.restrict(self.user, Action.VIEW)
        self.fields["rectified"].queryset = problems.filter(market=market, status=Problem.Status.OPEN)

    def rows(self):
        """The basket's rows: the item, its price and stock fields."""
        return [(item, self[f"price_{item.code}"], self[f"stock_{item.code}"]) for item in self.basket]

    def problem_rows(self):
        return [(self[f"problem_{n}"], self[f"deadline_{n}"]) for n in range(1, PROBLEM_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for row, item in enumerate(self.basket, start=1):
            name = f"price_{item.code}"
            try:
                check_price(item, data.get(name), row)
            except ValidationError as error:
                self.add_error(name, error.message_dict["price"])
        for n in range(1, PROBLEM_ROWS + 1):
            if data.get(f"problem_{n}") and not data.get(f"deadline_{n}"):
                self.add_error(
                    f"deadline_{n}", _("Give the deadline to rectify %(problem)s.") % {"problem": data[f"problem_{n}"]}
                )
        return data

    def prices(self):
        data = self.cleaned_data
        return [
            Price(item=item, price=_cents(data.get(f"price_{item.code}")), stock=data.get(f"stock_{item.code}") or "")
            for item in self.basket
            if data.get(f"price_{item.code}") is not None or data.get(f"stock_{item.code}")
        ]

    def problems(self):
        data = self.cleaned_data
        return [
            Problem(description=data[f"problem_{n}"], rectify_by=data[f"deadline_{n}"])
            for n in range(1, PROBLEM_ROWS + 1)
            if data.get(f"problem_{n}")
        ]
