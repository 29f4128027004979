"""Pages of markets: the register of markets, the basket, the phone form of an inspection, the lists
of inspections, prices, price jumps and problems, and the price chart against the city average."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from fangkong.health.models import Protocol

from . import services
from .filters import BasketItemFilterSet, InspectionFilterSet, MarketFilterSet, PriceFilterSet, ProblemFilterSet
from .forms import BasketItemForm, InspectionForm, MarketForm
from .models import BasketItem, Inspection, Market, Price, Problem
from .tables import BasketItemTable, InspectionTable, MarketTable, PriceTable, ProblemTable

LIST_TEMPLATE = "supplies/markets/object_list.html"
CHART_DAYS = 30


class BasketItemListView(ObjectListView):
    template_name = LIST_TEMPLATE
    model = BasketItem
    table_class = BasketItemTable
    filterset_class = BasketItemFilterSet
    title = gettext_lazy("Price basket")
    add_url = reverse_lazy("supplies:basket-add")


class BasketItemEditView(ObjectEditView):
    model = BasketItem
    form_class = BasketItemForm
    success_url = reverse_lazy("supplies:basket-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.success_url, **kwargs)


class MarketListView(ObjectListView):
    template_name = LIST_TEMPLATE
    model = Market
    table_class = MarketTable
    filterset_class = MarketFilterSet
    title = gettext_lazy("Markets")
    add_url = reverse_lazy("supplies:market-add")

    def get_queryset(self):
        return super().get_queryset().select_related("area__parent")


class MarketView(ObjectDetailView):
    """A market: its open problems, its last inspections and the button to inspect it."""

    model = Market
    template_name = "supplies/markets/market_detail.html"

    def get_context_data(self, **kwargs):
        market, user = self.object, self.request.user
        return super().get_context_data(
            title=str(market),
            problems=market.problems.filter(status=Problem.Status.OPEN).select_related("found_at"),
            inspections=market.inspections.all()[:10],
            can_inspect=scope.can(user, Action.ADD, Inspection, market.area_path),
            can_change=self.user_can(Action.CHANGE, market),
            today=timezone.localdate(),
            **kwargs,
        )


class MarketEditView(ObjectEditView):
    model = Market
    form_class = MarketForm

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("supplies:market-list"), **kwargs)


class InspectionAddView(ObjectEditView):
    """The phone form of an inspection of one market: a row per basket item with its price."""

    model = Inspection
    form_class = InspectionForm
    template_name = "supplies/markets/inspection_form.html"
    pk_url_kwarg = "market"  # not the inspection's: see lookup_given

    def lookup_given(self):
        return False  # the URL names the market; the inspection is always new

    def new_object(self):
        market = get_object_or_404(Market.objects.restrict(self.request.user, Action.VIEW), pk=self.kwargs["market"])
        if not scope.can(self.request.user, Action.ADD, Inspection, market.area_path):
            raise PermissionDenied
        return Inspection(market=market, area=market.area)

    def save(self, form):
        inspection, created = services.record_inspection(
            form.instance, form.prices(), form.problems(), list(form.cleaned_data["rectified"]), self.request.user
        )
        if not created:
            messages.warning(self.request, _("This inspection was saved already; nothing was added."))
        elif inspection.jumps:
            messages.warning(
                self.request,
                _("Price jump: %(count)d item(s) up more than the limit on a week earlier; the county is told.")
                % {"count": inspection.jumps},
            )
        return inspection

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        market = self.object.market
        today = timezone.localdate()
        form = kwargs.get("form") or self.get_form()
        earlier = services.week_earlier_prices(form.basket, market.area_path, today)
        for item in form.basket:  # the hint beside each price: the same area's a week earlier
            item.earlier = earlier.get(item.pk)
        kwargs["form"] = form
        protocol = Protocol.in_force(today)
        return super().get_context_data(
            title=_("Inspect %(market)s") % {"market": market},
            market=market,
            fever_threshold=protocol.fever_threshold if protocol else None,
            cancel_url=market.get_absolute_url(),
            **kwargs,
        )


class InspectionListView(ObjectListView):
    template_name = LIST_TEMPLATE
    model = Inspection
    table_class = InspectionTable
    filterset_class = InspectionFilterSet
    title = gettext_lazy("Market inspections")

    def get_queryset(self):
        return super().get_queryset().select_related("market", "area__parent")


class InspectionView(ObjectDetailView):
    model = Inspection
    template_name = "supplies/markets/inspection_detail.html"

    def get_context_data(self, **kwargs):
        inspection = self.object
        return super().get_context_data(
            title=str(inspection),
            prices=inspection.prices.select_related("item").order_by("item__position", "item__code"),
            problems=inspection.problems.select_related("closed_at"),
            closed=inspection.closed_problems.select_related("found_at"),
            **kwargs,
        )


class PriceListView(ObjectListView):
    template_name = LIST_TEMPLATE
    model = Price
    table_class = PriceTable
    filterset_class = PriceFilterSet
    title = gettext_lazy("Market prices")
    empty_text = gettext_lazy("No prices yet: inspect a market to record them.")

    def get_queryset(self):
        return super().get_queryset().select_related("item", "inspection__market", "area__parent")


class PriceJumpListView(PriceListView):
    """The prices up more than their item's limit on the same area's a week earlier."""

    title = gettext_lazy("Price jumps")
    empty_text = gettext_lazy("No price has jumped.")

    def get_queryset(self):
        return super().get_queryset().filter(jumped=True)


class ProblemListView(ObjectListView):
    template_name = LIST_TEMPLATE
    model = Problem
    table_class = ProblemTable
    filterset_class = ProblemFilterSet
    title = gettext_lazy("Problems to rectify")

    def get_queryset(self):
        return super().get_queryset().select_related("market", "found_at", "closed_at")


class PriceChartView(ScopedViewMixin, TemplateView):
    """The daily average price of a basket item in an area over CHART_DAYS days, against the city's.
    The series go to static/supplies/price_chart.js in a json_script (the CSP allows no inline script)."""

    model = Price
    template_name = "supplies/markets/price_chart.html"

    def get(self, request, *args, **kwargs):
        if not scope.can(request.user, Action.VIEW, Price):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET
        area = scope.area_asked_for(self.request.user, query.get("area", ""))
        items = list(BasketItem.objects.filter(active=True))
        item = next((item for item in items if item.code == query.get("item")), items[0] if items else None)
        until = timezone.localdate()
        since = until - datetime.timedelta(days=CHART_DAYS - 1)
        series = services.price_series(item, area, since, until) if item else {"days": [], "area": [], "city": []}
        city = Area.objects.filter(path=Area.path_at_level(area.path, Area.Level.CITY)).first()
        return super().get_context_data(
            title=_("Prices"),
            area=area,
            item=item,
            items=items,
            children=area.children.order_by("code"),
            ancestors=Area.objects.restrict(self.request.user)
            .filter(pk__in=[a.pk for a in area.ancestors()])
            .order_by("path"),
            chart={
                **series,
                "area_name": area.short_name,
                "city_name": _("%(city)s average") % {"city": city.short_name if city else _("City")},
                "unit": item.unit if item else "",
            },
            **kwargs,
        )


urlpatterns = [
    path("basket/", BasketItemListView.as_view(), name="basket-list"),
    path("basket/add/", BasketItemEditView.as_view(), name="basket-add"),
    path("basket/<int:pk>/edit/", BasketItemEditView.as_view(), name="basket-edit"),
    path("markets/", MarketListView.as_view(), name="market-list"),
    path("markets/add/", MarketEditView.as_view(), name="market-add"),
    path("markets/<int:pk>/", MarketView.as_view(), name="market"),
    path("markets/<int:pk>/edit/", MarketEditView.as_view(), name="market-edit"),
    path("markets/<int:market>/inspect/", InspectionAddView.as_view(), name="market-inspect"),
    path("inspections/", InspectionListView.as_view(), name="inspection-list"),
    path("inspections/<int:pk>/", InspectionView.as_view(), name="inspection"),
    path("prices/", PriceListView.as_view(), name="price-list"),
    path("prices/jumps/", PriceJumpListView.as_view(), name="price-jumps"),
    path("prices/chart/", PriceChartView.as_view(), name="price-chart"),
    path("problems/", ProblemListView.as_view(), name="problem-list"),
]
