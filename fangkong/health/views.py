"""Observation pages: protocols, episodes, checks and today's work (今日工作)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView

from fangkong.core import scope
from fangkong.core.forms import add_errors
from fangkong.core.roles import Action, Role
from fangkong.core.rows import PAGE_SIZE
from fangkong.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from fangkong.people.models import Person

from . import services
from .api import BATCH_LIMIT
from .cases import services as cases
from .filters import CheckFilterSet, EpisodeFilterSet, ProtocolFilterSet
from .forms import CheckForm, EpisodeForm, MoveEndForm, ProtocolForm
from .models import HIGHEST_TEMPERATURE, LOWEST_TEMPERATURE, Check, Disinfection, Episode, Protocol, Sample
from .tables import CheckTable, EpisodeTable, ProtocolTable
from .worklist import worklist


class ProtocolListView(ObjectListView):
    model = Protocol
    table_class = ProtocolTable
    filterset_class = ProtocolFilterSet
    title = gettext_lazy("Observation protocols")
    add_url = reverse_lazy("health:protocol-add")


class ProtocolEditView(ObjectEditView):
    """Commanders add editions; an edition applies to episodes opened from its date on."""

    model = Protocol
    form_class = ProtocolForm
    success_url = reverse_lazy("health:protocol-list")

    def get_initial(self):
        if self.object.pk:
            return {}
        current = Protocol.in_force(timezone.localdate())
        if current is None:
            return {}
        return {name: getattr(current, name) for name in ("symptoms", "fever_threshold", "test_days")}

    def get_context_data(self, **kwargs):
        title = _("Edit %(name)s") % {"name": self.object} if self.object.pk else _("New protocol edition")
        return super().get_context_data(title=title, cancel_url=reverse("health:protocol-list"), **kwargs)


class EpisodeListView(ObjectListView):
    model = Episode
    table_class = EpisodeTable
    filterset_class = EpisodeFilterSet
    title = gettext_lazy("Observation episodes")
    empty_text = gettext_lazy("Nobody is under observation here.")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_status()
            .with_check_counts()
            .select_related("person", "area__parent", "protocol", "site", "room")
        )


class EpisodeView(ObjectDetailView):
    model = Episode
    template_name = "health/episode_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_status().select_related("person", "area__parent", "protocol", "site", "room")

    def get_context_data(self, **kwargs):
        episode = self.object
        checks = list(episode.checks.order_by("-taken_at", "-id"))
        can_change = self.user_can(Action.CHANGE, episode)
        samples = Sample.objects.filter(person=episode.person_id, taken_on__gte=episode.start_on).order_by("pk")
        return super().get_context_data(
            title=str(episode),
            checks=[(check, episode.protocol.symptom_names(check.symptoms)) for check in checks],
            test_days=episode.test_days(samples),
            can_sample=scope.can(self.request.user, Action.ADD, Sample, episode.area_path),
            day=episode.day_number(),
            can_change=can_change,
            can_check=scope.can(self.request.user, Action.ADD, Check, episode.area_path),
            can_disinfect=scope.can(self.request.user, Action.ADD, Disinfection, episode.area_path),
            **kwargs,
        )


class EpisodeOpenView(ObjectEditView):
    """Open an observation of a person in one step: the reason and the start are suggested from the
    person's categories and last arrival; the protocol in force sets the planned end."""

    model = Episode
    form_class = EpisodeForm
    template_name = "health/episode_form.html"

    def new_object(self):
        person = Person.objects.restrict(self.request.user).filter(pk=self.kwargs["person"]).first()
        if person is None:
            raise Http404
        return Episode(person=person, area=person.area)

    def get_initial(self):
        person = self.object.person
        initial = {"reason": services.suggested_reason(person), "start_on": services.suggested_start(person)}
        if self.request.GET.get("kind") in Episode.Kind.values:  # the register's 集中隔离 button
            initial["kind"] = self.request.GET["kind"]
        return initial

    def save(self, form):
        return services.open_episode(form.instance, self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        person = self.object.person
        return super().get_context_data(
            title=_("Open an observation of %(name)s") % {"name": person},
            cancel_url=reverse("people:needs-observation"),
            person=person,
            **kwargs,
        )


class EpisodeReleaseView(ScopedViewMixin, DetailView):
    """Release in one click, from the episode page; refused before the planned end or after a fever."""

    model = Episode
    action = Action.CHANGE
    template_name = "health/episode_release.html"

    def post(self, request, *args, **kwargs):
        episode = self.get_object()
        version = request.POST.get("version")
        try:
            services.release(episode, int(version) if version and version.isdigit() else None)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s is released from observation.") % {"name": episode.person})
        return redirect(episode)


class EpisodeMoveEndView(ObjectEditView):
    """Extend or shorten an open observation, with a reason."""

    model = Episode
    form_class = MoveEndForm

    def save(self, form):
        data = form.cleaned_data
        return services.move_end(form.instance, data["planned_end_on"], data["end_change_reason"], data["version"])

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Change the end of the observation of %(name)s") % {"name": self.object.person},
            cancel_url=self.object.get_absolute_url(),
            **kwargs,
        )


class CheckListView(ObjectListView):
    model = Check
    table_class = CheckTable
    filterset_class = CheckFilterSet
    title = gettext_lazy("Checks")
    empty_text = gettext_lazy("No checks are recorded here yet.")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "area__parent", "episode__protocol")


class CheckAddView(ScopedViewMixin, FormView):
    """A check of the person under observation: a temperature and the symptoms (none by default)."""

    form_class = CheckForm
    model = Episode
    template_name = "health/check_form.html"

    @cached_property
    def episode(self):
        episode = get_object_or_404(self.get_queryset().select_related("person", "protocol"), pk=self.kwargs["pk"])
        if not scope.can(self.request.user, Action.ADD, Check, episode.area_path):
            raise PermissionDenied
        return episode

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.episode  # noqa: B018 (out of scope is 404, a role that may not check 403, before anything else)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "protocol": self.episode.protocol}

    def get_initial(self):
        # The time is filled in now, so that a form sent twice (a double tap, a resend) is the same
        # check under the same key, saved once.
        return {
            "key": uuid.uuid4().hex,
            "taken_at": timezone.localtime().replace(second=0, microsecond=0),
            "source": Check.Source.DOCTOR if self.is_doctor() else Check.Source.WORKER,
        }

    def is_doctor(self):
        return scope.has_role(self.request.user, {Role.DOCTOR}, self.episode.area_path)

    def form_valid(self, form):
        data = form.cleaned_data
        check = Check(
            key=data["key"],
            person=self.episode.person,
            taken_at=data["taken_at"],
            temperature=data["temperature"],
            symptoms=data["symptoms"],
            source=data["source"],
        )
        try:
            check, _created = services.record_check(check, self.request.user)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        if check.is_fever:
            messages.warning(
                self.request,
                _("%(name)s has a fever: %(temperature)s °C.")
                % {"name": check.person, "temperature": check.temperature},
            )
        else:
            messages.success(
                self.request,
                _("Check saved: %(name)s %(temperature)s °C.")
                % {"name": check.person, "temperature": check.temperature},
            )
        return redirect(self.episode if self.request.POST.get("next") == "episode" else "health:today")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Check of %(name)s") % {"name": self.episode.person}, episode=self.episode, **kwargs
        )


class TodayView(ScopedViewMixin, TemplateView):
    """今日工作: the people under observation who still need this morning's or this evening's check."""

    model = Episode
    template_name = "health/today.html"

    def get(self, request, *args, **kwargs):
        if not scope.can(request.user, Action.VIEW, Episode):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        page = Paginator(worklist(user), PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = page.object_list  # only this page's episodes are read
        symptom_boxes = {}  # the quick form's symptom boxes, the same for every row of a protocol
        for episode in rows:  # each row's quick check form (queued on the phone by health/offline.js)
            protocol = episode.protocol
            if protocol.pk not in symptom_boxes:
                symptom_boxes[protocol.pk] = render_to_string(
                    "health/quick_symptoms.html", {"choices": protocol.symptom_choices()}
                )
            episode.symptom_boxes = symptom_boxes[protocol.pk]
            episode.check_key = uuid.uuid4().hex
            doctor = scope.has_role(user, {Role.DOCTOR}, episode.area_path)
            episode.check_source = Check.Source.DOCTOR if doctor else Check.Source.WORKER
            episode.can_sample = scope.can(user, Action.ADD, Sample, episode.area_path)
            episode.can_disinfect = scope.can(user, Action.ADD, Disinfection, episode.area_path)
        return super().get_context_data(
            title=_("Today's work"),
            rows=rows,
            page=page,
            can_check=scope.can(user, Action.ADD, Check),
            batch_limit=BATCH_LIMIT,
            temperature_range=(LOWEST_TEMPERATURE, HIGHEST_TEMPERATURE),
            **kwargs,
        )


class TodayTaskView(ScopedViewMixin, DetailView):
    """One tap on today's work records a task done for an open observation (GET: the same button on a
    page of its own). A second tap finds it done and records nothing more."""

    model = Episode
    template_name = "health/today_task.html"
    record_model = None

    def get_queryset(self):
        return super().get_queryset().select_related("person__household", "area__parent")

    def get_object(self, queryset=None):
        episode = super().get_object(queryset)
        if not scope.can(self.request.user, Action.ADD, self.record_model, episode.area_path):
            raise PermissionDenied
        return episode

    def post(self, request, *args, **kwargs):
        episode = self.get_object()
        try:
            created = self.record(episode)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            message = self.done_message if created else self.already_message
            messages.success(request, message % {"name": episode.person})
        return redirect("health:today")


class TodayDisinfectedView(TodayTaskView):
    record_model = Disinfection
    done_message = gettext_lazy("Today's disinfection of the dwelling of %(name)s is recorded.")
    already_message = gettext_lazy("Today's disinfection of the dwelling of %(name)s was recorded already.")

    def record(self, episode):
        return cases.disinfect_today(episode, self.request.user)[1]

    def get_context_data(self, **kwargs):
        title = _("Record today's disinfection of the dwelling of %(name)s?") % {"name": self.object.person}
        return super().get_context_data(title=title, button=_("Disinfected"), **kwargs)


class TodaySampledView(TodayTaskView):
    record_model = Sample
    done_message = gettext_lazy("The nucleic-acid sample of %(name)s taken today is recorded.")
    already_message = gettext_lazy("A nucleic-acid sample of %(name)s taken today was recorded already.")

    def record(self, episode):
        return cases.sample_today(episode)[1]

    def get_context_data(self, **kwargs):
        title = _("Record a nucleic-acid sample of %(name)s taken today?") % {"name": self.object.person}
        return super().get_context_data(title=title, button=_("Sample taken"), **kwargs)


urlpatterns = [
    path("today/", TodayView.as_view(), name="today"),
    path("today/<int:pk>/disinfected/", TodayDisinfectedView.as_view(), name="today-disinfected"),
    path("today/<int:pk>/sampled/", TodaySampledView.as_view(), name="today-sampled"),
    path("protocols/", ProtocolListView.as_view(), name="protocol-list"),
    path("protocols/add/", ProtocolEditView.as_view(), name="protocol-add"),
    path("protocols/<int:pk>/edit/", ProtocolEditView.as_view(), name="protocol-edit"),
    path("episodes/", EpisodeListView.as_view(), name="episode-list"),
    path("episodes/<int:pk>/", EpisodeView.as_view(), name="episode"),
    path("episodes/<int:pk>/release/", EpisodeReleaseView.as_view(), name="episode-release"),
    path("episodes/<int:pk>/end/", EpisodeMoveEndView.as_view(), name="episode-end"),
    path("episodes/<int:pk>/check/", CheckAddView.as_view(), name="check-add"),
    path("people/<int:person>/observe/", EpisodeOpenView.as_view(), name="episode-add"),
    path("checks/", CheckListView.as_view(), name="check-list"),
]
