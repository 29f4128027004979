"""Alert pages: the list (with export), one alert with acknowledge and resolve, today's missed checks,
and the user's choice of what reaches them outside the app."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.rows import PAGE_SIZE
from fangkong.core.views import ObjectDetailView, ObjectListView, ScopedViewMixin

from ..models import Episode
from . import services
from .filters import AlertFilterSet
from .forms import AlertPreferenceForm, NoteForm
from .models import Alert, AlertPreference
from .tables import AlertTable


class AlertListView(ObjectListView):
    model = Alert
    table_class = AlertTable
    filterset_class = AlertFilterSet
    title = gettext_lazy("Alerts")
    empty_text = gettext_lazy("No alerts here.")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "area__parent")


class AlertView(ObjectDetailView):
    model = Alert
    template_name = "health/alert_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "person", "area__parent", "episode__protocol", "source_check", "acknowledged_by", "resolved_by"
            )
        )

    def get_context_data(self, **kwargs):
        alert = self.object
        symptoms = alert.episode.protocol.symptom_names(alert.source_check.symptoms) if alert.source_check else []
        return super().get_context_data(
            title=str(alert),
            description=services.describe(alert),
            symptoms=symptoms,
            can_change=self.user_can(Action.CHANGE, alert),
            form=NoteForm(),
            deliveries=alert.deliveries.select_related("recipient"),
            **kwargs,
        )


class AlertActionView(ScopedViewMixin, DetailView):
    """GET asks to confirm (with a note); POST acknowledges or resolves. Doctors and managers in scope."""

    model = Alert
    action = Action.CHANGE
    template_name = "health/alert_action.html"
    service = None
    verb = ""
    done = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.verb, verb=self.verb, form=NoteForm(), **kwargs)

    def post(self, request, *args, **kwargs):
        alert = self.get_object()
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            self.service(alert, request.user, note)
        except services.AlertClosed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.done % {"alert": alert})
        return redirect(alert)


class AlertAcknowledgeView(AlertActionView):
    service = staticmethod(services.acknowledge)
    verb = gettext_lazy("Acknowledge")
    done = gettext_lazy("Acknowledged: %(alert)s")


class AlertResolveView(AlertActionView):
    service = staticmethod(services.resolve)
    verb = gettext_lazy("Resolve")
    done = gettext_lazy("Resolved: %(alert)s")


def scoped_episodes(user, area_code=None):
    """The episodes the user sees, under the area if one is named (one they see too)."""
    episodes = Episode.objects.restrict(user)
    if area_code:
        area = Area.objects.restrict(user).filter(code=area_code).first()
        episodes = episodes.within(area) if area else episodes.none()
    return episodes


class MissedCheckView(ScopedViewMixin, TemplateView):
    """The people under observation whose check window closed today without a check."""

    model = Episode
    template_name = "health/missed_checks.html"

    def get(self, request, *args, **kwargs):
        if not scope.can(request.user, Action.VIEW, Episode):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        area = self.request.GET.get("area", "")
        missed = services.missed_checks(scoped_episodes(self.request.user, area))
        page = Paginator(missed, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            title=_("Missed checks today"),
            rows=page.object_list,  # only this page's episodes are read
            page=page,
            area=area,
            **kwargs,
        )


class AlertPreferenceView(LoginRequiredMixin, FormView):
    """Which kinds of alert reach me outside the app (the inbox gets every one)."""

    form_class = AlertPreferenceForm
    template_name = "core/object_edit.html"

    def get_form_kwargs(self):
        preference = AlertPreference.objects.filter(user=self.request.user).first()
        return {**super().get_form_kwargs(), "instance": preference or AlertPreference(user=self.request.user)}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Your alert choices are saved."))
        return redirect("accounts:profile")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Alerts outside the app"), object=None, cancel_url=reverse("accounts:profile"), **kwargs
        )


urlpatterns = [
    path("alerts/", AlertListView.as_view(), name="alert-list"),
    path("alerts/<int:pk>/", AlertView.as_view(), name="alert"),
    path("alerts/<int:pk>/acknowledge/", AlertAcknowledgeView.as_view(), name="alert-acknowledge"),
    path("alerts/<int:pk>/resolve/", AlertResolveView.as_view(), name="alert-resolve"),
    path("alerts/missed-checks/", MissedCheckView.as_view(), name="missed-checks"),
    path("alerts/preferences/", AlertPreferenceView.as_view(), name="alert-preferences"),
]
