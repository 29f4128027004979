"""The public self-report page (/r/<token>/) and the officers' link and QR sheet pages."""

import segno
from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, View

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.views import ScopedViewMixin
from fangkong.health.models import Episode
from fangkong.people.models import Household

from . import services
from .forms import SelfCheckForm
from .models import HouseholdLink

RATE_LIMITED = 429


def qr_data_uri(request, link):
    """The link's full address as an SVG QR code in a data: URI (the Content-Security-Policy allows data: images)."""
    return segno.make(request.build_absolute_uri(link.get_public_url()), error="m").svg_data_uri(scale=4, border=2)


def may_manage_links(user, area_path):
    """Those who open and end observations issue and revoke the links."""
    return scope.can(user, Action.CHANGE, Episode, area_path)


@method_decorator(never_cache, name="dispatch")
class SelfReportView(View):
    """No login: the members of the household under observation, by first name, each with a check form."""

    template_name = "health/selfreport/report.html"

    def dispatch(self, request, token):
        self.link = HouseholdLink.objects.active().filter(token=token).select_related("household").first()
        if self.link is None:
            return TemplateResponse(
                request, "health/selfreport/invalid.html", {"title": _("Link not valid")}, status=404
            )
        self.members = services.observed_members(self.link.household)
        return super().dispatch(request, token)

    def render(self, forms, status=200, saved=None):
        return TemplateResponse(
            self.request,
            self.template_name,
            {"title": _("Health self-report"), "forms": forms, "saved": saved},
            status=status,
        )

    def get(self, request, token):
        return self.render([self.form_for(episode) for episode in self.members])

    def form_for(self, episode, data=None):
        form = SelfCheckForm(data, episode=episode)
        form.first_name = services.first_name(episode.person.name)
        return form

    def post(self, request, token):
        episode = next((e for e in self.members if str(e.pk) == request.POST.get("member")), None)
        forms = [self.form_for(e, request.POST if e is episode else None) for e in self.members]
        if episode is None:
            messages.error(request, _("This person is no longer under observation."))
            return self.render(forms, status=400)
        if not services.allow_submission(token, get_client_ip_address(request) or ""):
            messages.error(request, _("Too many reports from this link in the last hour: please try again later."))
            return self.render(forms, status=RATE_LIMITED)
        form = next(f for f in forms if f.episode is episode)
        if not form.is_valid():
            return self.render(forms, status=400)
        data = form.cleaned_data
        try:
            check, _created = services.record_self_check(episode, data["key"], data["temperature"], data["symptoms"])
        except ValidationError:
            # The service's reasons name the person in full: this page shows first names only.
            form.add_error(None, _("This report could not be saved: please open the page again and repeat it."))
            return self.render(forms, status=400)
        name = services.first_name(episode.person.name)
        if check.is_fever:
            messages.warning(
                request,
                _("Saved. %(name)s has a fever: please stay at home and call your grid worker.") % {"name": name},
            )
        else:
            messages.success(
                request,
                _("Saved: %(name)s %(temperature)s °C. Thank you.") % {"name": name, "temperature": check.temperature},
            )
        return redirect(request.path)


class HouseholdLinkView(ScopedViewMixin, TemplateView):
    """The household's self-report link and its QR code; reissue (the old one stops working) or revoke."""

    model = Household
    template_name = "health/selfreport/household_link.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.household = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if not may_manage_links(request.user, self.household.area_path):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        if request.POST.get("action") == "revoke":
            services.revoke(self.household)
            messages.success(request, _("The self-report link is revoked: its QR code no longer opens the page."))
        else:
            services.issue(self.household, request.user)
            messages.success(request, _("A new self-report link is issued: print its QR code again."))
        return redirect("health:household-link", pk=self.household.pk)

    def get_context_data(self, **kwargs):
        link = services.active_link(self.household)
        return super().get_context_data(
            title=_("Self-report link of %(address)s") % {"address": self.household.address},
            household=self.household,
            link=link,
            qr=qr_data_uri(self.request, link) if link else "",
            **kwargs,
        )


class QRSheetView(ScopedViewMixin, TemplateView):
    """A grid's households, each with its QR code, address and a short instruction, to print on A4.
    Printing the sheet is handing out the links: a household without one gets one as the sheet is made."""

    model = Area
    template_name = "health/selfreport/qr_sheet.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.area = get_object_or_404(
                Area.objects.restrict(request.user, Action.VIEW), code=kwargs["code"], level=Area.Level.GRID
            )
            if not may_manage_links(request.user, self.area.path):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        households = Household.objects.filter(area=self.area).order_by("address", "pk")
        sheet = []
        for household in households:
            link = services.active_link(household, self.request.user)
            sheet.append((household, qr_data_uri(self.request, link)))
        return super().get_context_data(
            title=_("Self-report QR codes of %(area)s") % {"area": self.area.label},
            area=self.area,
            sheet=sheet,
            **kwargs,
        )


urlpatterns = [
    path("households/<int:pk>/self-report/", HouseholdLinkView.as_view(), name="household-link"),
    path("areas/<str:code>/self-report-sheet/", QRSheetView.as_view(), name="qr-sheet"),
]
public_urlpatterns = [path("r/<str:token>/", SelfReportView.as_view(), name="self-report")]
