"""Persons pages: the list and search, a person's page, registering and editing, moves, merges, categories."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fangkong.areas.models import Area
from fangkong.core import person_status, scope
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Action
from fangkong.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    get_object_in_scope_or_404,
)

from .. import services
from ..filters import IdNumberRevealFilterSet, KeyPersonTagFilterSet, PersonFilterSet
from ..forms import KeyPersonTagForm, MoveDecisionForm, PersonForm
from ..models import Household, IdNumberReveal, KeyPersonTag, MoveRequest, Person
from ..scoping import area_full_name
from ..tables import IdNumberRevealTable, KeyPersonTagTable, PersonTable


class PersonListView(ObjectListView):
    model = Person
    table_class = PersonTable
    filterset_class = PersonFilterSet
    template_name = "people/person_list.html"
    title = gettext_lazy("People")
    add_url = reverse_lazy("people:person-add")
    empty_text = gettext_lazy("No one is registered here yet.")
    import_url = reverse_lazy("people:person-import")
    exact_count = False  # 2 million rows: look one row ahead instead of COUNT(*)

    def get_queryset(self):
        return person_status.annotate(super().get_queryset().select_related("area__parent").prefetch_related("tags"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_move"] = scope.can(self.request.user, Action.VIEW, MoveRequest)
        context["can_see_reveals"] = scope.can(self.request.user, Action.VIEW, IdNumberReveal)
        return context


class PersonView(ObjectDetailView):
    model = Person
    template_name = "people/person_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("area__parent", "household", "responsible", "doctor")
            .prefetch_related("tags")
        )

    def post(self, request, *args, **kwargs):
        """Reveal the full ID number: allowed roles only, logged, shown once on this page."""
        self.object = self.get_object()
        if "reveal" not in request.POST:
            raise PermissionDenied
        try:
            revealed = services.reveal_id_number(self.object, request.user)
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from error
        response = self.render_to_response(self.get_context_data(object=self.object, revealed_id_number=revealed))
        add_never_cache_headers(response)  # the full number stays out of browser and proxy caches
        return response

    def get_context_data(self, **kwargs):
        person = self.object
        user = self.request.user
        changelog_url = None
        if scope.can(user, Action.VIEW, ChangeLogEntry, person.area_path):
            content_type = ContentType.objects.get_for_model(Person)
            changelog_url = f"{reverse('changelog')}?content_type={content_type.pk}&object_id={person.pk}"
        return super().get_context_data(
            title=person.name,
            area_name=area_full_name(person.area),
            can_change=self.user_can(Action.CHANGE, person),
            can_merge=self.user_can(Action.DELETE, person),
            can_reveal=bool(person.id_number_encrypted) and person.can_reveal(user),
            shows_birth_date=person.shows_birth_date_to(user),
            arrivals=person.arrivals.select_related("origin").order_by("-arrived_on")[:20],
            household_url=reverse("people:household", args=[person.household_id]) if person.household_id else None,
            changelog_url=changelog_url,
            pending_move=person.move_requests.filter(status=MoveRequest.Status.PENDING).first(),
            **kwargs,
        )


class PersonEditView(ObjectEditView):
    """Register (no pk) or edit a person. Same ID number: open the existing record, or offer a move."""

    model = Person
    form_class = PersonForm
    template_name = "people/person_form.html"

    def get_initial(self):
        """``?area=<code>`` or ``?household=<id>`` (from a village or household page) preselects them."""
        initial = super().get_initial()
        code, household = self.request.GET.get("area", ""), self.request.GET.get("household", "")
        if code:
            area = Area.objects.filter(code=code).first()
            initial["area"] = area.pk if area else None
        if household.isdigit():
            found = Household.objects.restrict(self.request.user).filter(pk=int(household)).first()
            if found:
                initial["household"] = found.pk
                initial.setdefault("area", found.area_id)
                initial["address"] = found.address
        return initial

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except IntegrityError:
            # Another request registered the same ID number a moment ago (the unique hash caught it).
            form.add_error("id_number", services.REGISTERED_MEANWHILE)
        return self.form_invalid(form)

    def form_invalid(self, form):
        existing = form.existing
        if existing is not None and not self.lookup_given():
            if existing.visible:
                messages.info(
                    self.request,
                    _("%(name)s is already registered: here is the record. Nothing new was created.")
                    % {"name": existing.person.name},
                )
                return redirect("people:person", pk=existing.person.pk)
            if "request_move" in self.request.POST and form.cleaned_data.get("area"):
                return self.request_move(existing.person, form.cleaned_data["area"])
        return super().form_invalid(form)

    def request_move(self, person, area):
        try:
            services.request_move(person, area, self.request.user, reason=self.request.POST.get("reason", "")[:200])
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from error
        messages.success(
            self.request,
            _("Move requested: the officers of the area where the person is registered decide on the move to %(to)s.")
            % {"to": area.label()},
        )
        return redirect("people:move-list")

    def get_success_url(self):
        return reverse("people:person", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        person = self.object
        return super().get_context_data(
            title=_("Edit %(name)s") % {"name": person.name} if person.pk else _("Register a person"),
            cancel_url=reverse("people:person", args=[person.pk]) if person.pk else reverse("people:person-list"),
            **kwargs,
        )


class MoveListView(LoginRequiredMixin, TemplateView):
    """Incoming requests (people of my area others asked to move) and my own outgoing ones."""

    template_name = "people/move_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope.can(request.user, Action.VIEW, MoveRequest):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = MoveDecisionForm(request.POST)
        if not form.is_valid():
            raise Http404
        move = get_object_in_scope_or_404(MoveRequest, request.user, Action.VIEW, pk=form.cleaned_data["move"])
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.decide_move(move, request.user, accept=accept)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("people:move-list")
        text = _("%(name)s moved to %(area)s.") if accept else _("Move of %(name)s to %(area)s declined.")
        messages.success(request, text % {"name": move.person.name, "area": move.to_area.label()})
        return redirect("people:move-list")

    def get_context_data(self, **kwargs):
        user = self.request.user
        related = ("person", "to_area__parent", "area__parent", "requested_by", "decided_by")
        incoming = MoveRequest.objects.restrict(user, Action.VIEW).select_related(*related)
        # The requester follows their own requests, although the person is outside their area.
        outgoing = MoveRequest.objects.filter(requested_by=user).select_related(*related)[:200]
        visible_people = set(
            Person.objects.restrict(user)
            .filter(pk__in=[move.person_id for move in outgoing])
            .values_list("pk", flat=True)
        )
        decidable = set(
            MoveRequest.objects.restrict(user, Action.CHANGE)
            .filter(status=MoveRequest.Status.PENDING)
            .values_list("pk", flat=True)
        )
        return super().get_context_data(
            title=_("Move requests"),
            incoming=incoming.filter(status=MoveRequest.Status.PENDING)[:200],
            decided=incoming.exclude(status=MoveRequest.Status.PENDING)[:50],
            outgoing=outgoing,
            visible_people=visible_people,
            decidable=decidable,
            **kwargs,
        )


class PersonMergeView(ObjectDetailView):
    """Fold a duplicate registered without an ID number (this page's person) into another person."""

    model = Person
    action = Action.DELETE
    template_name = "people/person_merge.html"

    @cached_property
    def keep(self):
        value = self.request.POST.get("into") or self.request.GET.get("into") or ""
        if not value.isdigit():
            return None
        keep = get_object_in_scope_or_404(Person, self.request.user, Action.VIEW, pk=int(value))
        if not self.user_can(Action.CHANGE, keep):
            raise PermissionDenied
        return keep

    def post(self, request, *args, **kwargs):
        duplicate = self.get_object()
        keep = self.keep
        if keep is None:
            return redirect("people:person-merge", pk=duplicate.pk)
        try:
            services.merge_people(keep, duplicate)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(f"{reverse('people:person-merge', args=[duplicate.pk])}?into={keep.pk}")
        messages.success(request, _("%(name)s merged into this record.") % {"name": duplicate.name})
        return redirect("people:person", pk=keep.pk)

    def get_context_data(self, **kwargs):
        duplicate = self.object
        candidates = (
            Person.objects.restrict(self.request.user, Action.CHANGE)
            .filter(name=duplicate.name)
            .exclude(pk=duplicate.pk)
            .select_related("area__parent")[:20]
        )
        if self.request.GET.get("q"):
            candidates = (
                Person.objects.restrict(self.request.user, Action.CHANGE)
                .search(self.request.GET["q"])
                .exclude(pk=duplicate.pk)
                .select_related("area__parent")[:20]
            )
        return super().get_context_data(
            title=_("Merge %(name)s into another record") % {"name": duplicate.name},
            keep=self.keep,
            candidates=candidates,
            **kwargs,
        )


class RevealListView(ObjectListView):
    """The reveal log (commanders): every full ID number shown, and every exact look-up by a role
    that may not reveal, of persons in the commander's area."""

    model = IdNumberReveal
    table_class = IdNumberRevealTable
    filterset_class = IdNumberRevealFilterSet
    title = gettext_lazy("ID number reveals and look-ups")
    exact_count = False  # a log: look one row ahead instead of COUNT(*)

    def get_queryset(self):
        return super().get_queryset().select_related("user", "person__area__parent")


class TagListView(ObjectListView):
    model = KeyPersonTag
    table_class = KeyPersonTagTable
    filterset_class = KeyPersonTagFilterSet
    title = gettext_lazy("Key-person categories")
    add_url = reverse_lazy("people:tag-add")
    paginate_by = 100


class TagEditView(ObjectEditView):
    model = KeyPersonTag
    form_class = KeyPersonTagForm

    def get_success_url(self):
        return reverse("people:tag-list")

    def get_context_data(self, **kwargs):
        tag = self.object
        return super().get_context_data(
            title=_("Rename %(tag)s") % {"tag": tag} if tag.pk else _("New key-person category"),
            cancel_url=reverse("people:tag-list"),
            **kwargs,
        )


class TagDeleteView(ObjectDeleteView):
    """Categories commanders added can be deleted; built-in ones drive behaviour and stay (404 here)."""

    model = KeyPersonTag

    def get_queryset(self):
        return super().get_queryset().filter(builtin=False)

    def get_success_url(self):
        return reverse("people:tag-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("people:tag-list"), **kwargs)


urlpatterns = [
    path("", PersonListView.as_view(), name="person-list"),
    path("add/", PersonEditView.as_view(), name="person-add"),
    path("moves/", MoveListView.as_view(), name="move-list"),
    path("reveals/", RevealListView.as_view(), name="reveal-list"),
    path("tags/", TagListView.as_view(), name="tag-list"),
    path("tags/add/", TagEditView.as_view(), name="tag-add"),
    path("tags/<int:pk>/edit/", TagEditView.as_view(), name="tag-edit"),
    path("tags/<int:pk>/delete/", TagDeleteView.as_view(), name="tag-delete"),
    path("<int:pk>/", PersonView.as_view(), name="person"),
    path("<int:pk>/edit/", PersonEditView.as_view(), name="person-edit"),
    path("<int:pk>/merge/", PersonMergeView.as_view(), name="person-merge"),
]
