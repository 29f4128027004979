"""Pages of help for households in difficulty: needs (list, page, add, assign, deliver, confirm), the
households in difficulty of an area with their last visit, a household's help QR code, and the
household's own page (/r/<token>/help/, no login) reached through the self-report link's token."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView, View

from fangkong.core import ratelimit, scope
from fangkong.core.forms import add_errors
from fangkong.core.roles import Action
from fangkong.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from fangkong.health.selfreport import services as links
from fangkong.health.selfreport.models import HouseholdLink
from fangkong.health.selfreport.views import qr_data_uri
from fangkong.people.models import Household

from .. import services
from ..filters import HelpHouseholdFilterSet, NeedFilterSet
from ..forms import AskForm, AssignForm, DeliverForm, NeedForm
from ..models import Need
from ..tables import HelpHouseholdTable, NeedTable

RATE_LIMITED = 429
# Requests a household's page, and an address, may send in an hour.
LIMIT_PER_TOKEN = 10
LIMIT_PER_ADDRESS = 30
LIMIT_WINDOW = 3600


class NeedListView(ObjectListView):
    """Needs in the user's area; ``?status=overdue`` is the town's list of needs not delivered in time."""

    model = Need
    table_class = NeedTable
    filterset_class = NeedFilterSet
    title = gettext_lazy("Needs of households in difficulty")
    add_url = reverse_lazy("community:need-add")
    empty_text = gettext_lazy("No needs here.")
    template_name = "community/need_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("household", "area__parent", "assigned_user", "assigned_volunteer")


class NeedView(ObjectDetailView):
    model = Need
    template_name = "community/need_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "household__area__parent",
                "assigned_user",
                "assigned_volunteer",
                "volunteer",
                "raised_by",
                "delivered_by",
            )
        )

    def get_context_data(self, **kwargs):
        need = self.object
        can_change = self.user_can(Action.CHANGE, need)
        return super().get_context_data(
            title=str(need),
            can_change=can_change,
            assign_form=AssignForm(user=self.request.user) if can_change and need.pending else None,
            deliver_form=DeliverForm() if can_change and need.pending else None,
            can_confirm=can_change and need.status == Need.Status.DELIVERED,
            **kwargs,
        )


class NeedEditView(ObjectEditView):
    """Raise a need for a household (``?household=<id>`` from its page), or correct one."""

    model = Need
    form_class = NeedForm

    def get_initial(self):
        initial = super().get_initial()
        if not self.lookup_given() and self.request.GET.get("household", "").isdigit():
            initial["household"] = self.request.GET["household"]
        return initial

    def save(self, form):
        need = form.save(commit=False)
        if need.pk:
            return services.save_need(need)
        return services.raise_need(need, self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("community:need-list"), **kwargs)


class NeedDeleteView(ObjectDeleteView):
    model = Need
    success_url = reverse_lazy("community:need-list")


class NeedActionView(ScopedViewMixin, DetailView):
    """GET shows the action's form; POST acts. Another area's need is 404, a role that may not act 403."""

    model = Need
    action = Action.CHANGE
    template_name = "community/need_action.html"
    verb = ""

    def make_form(self, data=None):
        return None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.make_form())
        return super().get_context_data(title=self.verb, verb=self.verb, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = need = self.get_object()
        form = self.make_form(request.POST)
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            self.act(need, form.cleaned_data if form is not None else {})
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(need)
            add_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return redirect(need)


class NeedAssignView(NeedActionView):
    verb = gettext_lazy("Assign")

    def make_form(self, data=None):
        return AssignForm(data, user=self.request.user)

    def act(self, need, data):
        need = services.assign(need, self.request.user, data["assigned_user"], data["assigned_volunteer"])
        messages.success(self.request, _("Assigned to %(person)s.") % {"person": need.assignee})


class NeedDeliverView(NeedActionView):
    verb = gettext_lazy("Delivered")

    def make_form(self, data=None):
        return DeliverForm(data)

    def act(self, need, data):
        services.deliver(need, self.request.user, data["note"])
        messages.success(self.request, _("Marked as delivered: %(need)s") % {"need": need})


class NeedConfirmView(NeedActionView):
    verb = gettext_lazy("Confirm receipt for the household")

    def act(self, need, data):
        services.confirm(need, self.request.user, Need.ConfirmedVia.CADRE)
        messages.success(self.request, _("Confirmed for the household: %(need)s") % {"need": need})


class HelpHouseholdListView(ObjectListView):
    """The households in difficulty of the user's area, each with its last visit."""

    model = Household
    table_class = HelpHouseholdTable
    filterset_class = HelpHouseholdFilterSet
    title = gettext_lazy("Households in difficulty")
    exact_count = False  # a county's households: pages look ahead instead of counting
    empty_text = gettext_lazy("No household in difficulty here.")

    def get_queryset(self):
        return services.households_in_difficulty(super().get_queryset()).select_related("area__parent")


class HouseholdHelpQRView(ScopedViewMixin, TemplateView):
    """The household's help page as a QR code, on the same token as its self-report link (one code per
    door, revoked in one place): issued here if the household has none."""

    model = Household
    template_name = "community/household_qr.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.household = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if not scope.can(request.user, Action.ADD, Need, self.household.area_path):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        link = links.active_link(self.household, self.request.user)
        url = reverse("help-request", args=[link.token])
        return super().get_context_data(
            title=_("Help QR code of %(address)s") % {"address": self.household.address},
            household=self.household,
            url=url,
            qr=qr_data_uri(self.request, HelpLinkAddress(url)),
            **kwargs,
        )


class HelpLinkAddress:
    """What ``qr_data_uri`` reads of a link: its public address."""

    def __init__(self, url):
        self.url = url

    def get_public_url(self):
        return self.url


@method_decorator(never_cache, name="dispatch")
class HelpRequestView(View):
    """No login: the household asks for help and confirms what was delivered. The page names no one:
    the household's needs by kind and status only."""

    template_name = "community/help_request.html"

    def dispatch(self, request, token):
        self.link = HouseholdLink.objects.active().filter(token=token).select_related("household").first()
        if self.link is None:
            return TemplateResponse(
                request, "health/selfreport/invalid.html", {"title": _("Link not valid")}, status=404
            )
        self.household = self.link.household
        return super().dispatch(request, token)

    def needs(self):
        return Need.objects.filter(household=self.household).exclude(status=Need.Status.CONFIRMED).order_by("-created")

    def render(self, form, status=200):
        context = {"title": _("Ask for help"), "form": form, "needs": self.needs(), "token": self.link.token}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, token):
        return self.render(AskForm())

    def allowed(self, token):
        counters = (
            (f"help:token:{token}", LIMIT_PER_TOKEN),
            (f"help:addr:{get_client_ip_address(self.request) or ''}", LIMIT_PER_ADDRESS),
        )
        return ratelimit.allow(counters, LIMIT_WINDOW)

    def post(self, request, token):
        if not self.allowed(token):
            messages.error(
                request, _("Too many requests from this page in the last hour: please call your grid worker.")
            )
            return self.render(AskForm(), status=RATE_LIMITED)
        if request.POST.get("action") == "confirm":
            need = (
                self.needs()
                .filter(pk=request.POST.get("need", "") if request.POST.get("need", "").isdigit() else None)
                .first()
            )
            if need is None:
                messages.error(request, _("This need is not on this page any more."))
                return redirect(request.path)
            try:
                services.confirm(need, None, Need.ConfirmedVia.HOUSEHOLD)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Thank you: you confirmed that you received it."))
            return redirect(request.path)
        form = AskForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        need = Need(household=self.household, kind=data["kind"], urgent=data["urgent"], description=data["description"])
        services.raise_need(need, None, Need.RaisedVia.HOUSEHOLD)
        messages.success(
            request, _("Your request is sent: %(need)s. A cadre will contact you.") % {"need": need.get_kind_display()}
        )
        return redirect(request.path)


urlpatterns = [
    path("needs/", NeedListView.as_view(), name="need-list"),
    path("needs/add/", NeedEditView.as_view(), name="need-add"),
    path("needs/<int:pk>/", NeedView.as_view(), name="need"),
    path("needs/<int:pk>/edit/", NeedEditView.as_view(), name="need-edit"),
    path("needs/<int:pk>/delete/", NeedDeleteView.as_view(), name="need-delete"),
    path("needs/<int:pk>/assign/", NeedAssignView.as_view(), name="need-assign"),
    path("needs/<int:pk>/deliver/", NeedDeliverView.as_view(), name="need-deliver"),
    path("needs/<int:pk>/confirm/", NeedConfirmView.as_view(), name="need-confirm"),
    path("households/", HelpHouseholdListView.as_view(), name="household-list"),
    path("households/<int:pk>/qr/", HouseholdHelpQRView.as_view(), name="household-qr"),
]
public_urlpatterns = [path("r/<str:token>/help/", HelpRequestView.as_view(), name="help-request")]
