"""Pages of the checkpoints app: checkpoints and their day, shifts, the phone form of a passage, the
people who passed, and the villages' inbox of hand-overs."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView

from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.services import OutOfScope, save_in_scope
from fangkong.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
)

from . import services
from .filters import CheckpointFilterSet, HandOverFilterSet, PassageFilterSet, ShiftFilterSet, TravellerFilterSet
from .forms import CheckpointForm, NoteForm, PassageForm, ShiftForm, TravellerFormSet
from .models import Checkpoint, CheckpointShift, HandOver, Passage, Traveller
from .tables import CheckpointTable, HandOverTable, PassageTable, ShiftTable, TravellerTable

# --- checkpoints ----------------------------------------------------------------------------------


class CheckpointListView(ObjectListView):
    model = Checkpoint
    table_class = CheckpointTable
    filterset_class = CheckpointFilterSet
    title = gettext_lazy("Checkpoints")
    add_url = reverse_lazy("checkpoints:checkpoint-add")

    def get_queryset(self):
        return super().get_queryset().select_related("area__parent")


def chosen_day(request):
    """The day asked for (?day=YYYY-MM-DD), today if none or not a date."""
    try:
        day = parse_date(request.GET.get("day", ""))
    except ValueError:
        day = None
    return day or timezone.localdate()


class CheckpointView(ObjectDetailView):
    """The checkpoint's day: vehicles, people, fevers, turned back, hand-overs by status."""

    model = Checkpoint
    template_name = "checkpoints/checkpoint_detail.html"

    def get_context_data(self, **kwargs):
        checkpoint, day = self.object, chosen_day(self.request)
        shifts = CheckpointShift.objects.restrict(self.request.user).filter(
            checkpoint=checkpoint,
            starts_at__lt=timezone.make_aware(
                datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
            ),
            ends_at__gt=timezone.make_aware(datetime.datetime.combine(day, datetime.time())),
        )
        return super().get_context_data(
            day=day,
            previous_day=day - datetime.timedelta(days=1),
            next_day=day + datetime.timedelta(days=1),
            figures=services.day_figures(checkpoint, day),
            shifts=shifts.prefetch_related("staff"),
            can_change=self.user_can(Action.CHANGE, checkpoint),
            can_register=scope.can(self.request.user, Action.ADD, Passage, checkpoint.area_path),
            **kwargs,
        )


class CheckpointEditView(ObjectEditView):
    model = Checkpoint
    form_class = CheckpointForm

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("checkpoints:checkpoint-list"), **kwargs)


class CheckpointDeleteView(ObjectDeleteView):
    model = Checkpoint
    success_url = reverse_lazy("checkpoints:checkpoint-list")

    def form_valid(self, form):
        try:
            services.delete_checkpoint(self.object)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.object)
        messages.success(self.request, _("Deleted: %(object)s") % {"object": self.object})
        return redirect(self.success_url)


# --- shifts ---------------------------------------------------------------------------------------


class ShiftListView(ObjectListView):
    model = CheckpointShift
    table_class = ShiftTable
    filterset_class = ShiftFilterSet
    title = gettext_lazy("Checkpoint shifts")
    add_url = reverse_lazy("checkpoints:shift-add")

    def get_queryset(self):
        return super().get_queryset().select_related("checkpoint").prefetch_related("staff")


class ShiftEditView(ObjectEditView):
    model = CheckpointShift
    form_class = ShiftForm

    def get_initial(self):
        initial = super().get_initial()
        if not self.lookup_given() and self.request.GET.get("checkpoint", "").isdigit():
            initial["checkpoint"] = self.request.GET["checkpoint"]
        return initial

    def get_success_url(self):
        return self.object.checkpoint.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("checkpoints:shift-list"), **kwargs)


class ShiftDeleteView(ObjectDeleteView):
    model = CheckpointShift
    success_url = reverse_lazy("checkpoints:shift-list")


# --- passages -------------------------------------------------------------------------------------


class PassageListView(ObjectListView):
    model = Passage
    table_class = PassageTable
    filterset_class = PassageFilterSet
    title = gettext_lazy("Passages")
    add_url = reverse_lazy("checkpoints:passage-add")
    exact_count = False

    def get_queryset(self):
        return super().get_queryset().select_related("checkpoint", "origin").annotate(people=Count("travellers"))


class PassageView(ObjectDetailView):
    model = Passage
    template_name = "checkpoints/passage_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("checkpoint", "origin", "recorded_by")

    def get_context_data(self, **kwargs):
        travellers = self.object.travellers.select_related("origin", "destination__parent", "handover").order_by("pk")
        return super().get_context_data(travellers=travellers, **kwargs)


class PassageAddView(ScopedViewMixin, TemplateView):
    """A car and its people in one form, for a phone: rows are added by static/checkpoints/passage.js.
    A wrong ID number is named on its row, and every row stays as typed."""

    model = Passage
    action = Action.ADD
    template_name = "checkpoints/passage_form.html"
    prefix = "people"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.user_can(Action.ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        user = self.request.user
        form = PassageForm(data, user=user, initial=self.initial())
        people = TravellerFormSet(data, prefix=self.prefix, villages=services.destinations_for(user))
        return form, people

    def initial(self):
        checkpoint = self.request.GET.get("checkpoint", "")
        return {"checkpoint": checkpoint} if checkpoint.isdigit() else {}

    def get(self, request, *args, **kwargs):
        form, people = self.forms()
        return self.render_to_response(self.get_context_data(form=form, people=people))

    def post(self, request, *args, **kwargs):
        if "add_row" in request.POST:
            return self.add_row(request.POST)
        form, people = self.forms(request.POST)
        if form.is_valid() and people.is_valid():
            try:
                return self.save(form, people)
            except OutOfScope as error:
                form.add_error("checkpoint", error.messages)
            except ValidationError as error:
                form.add_error(None, error.messages)
        return self.render_to_response(self.get_context_data(form=form, people=people), status=200)

    def add_row(self, data):
        """One more person row, without JavaScript: the form comes back as typed, with a blank row."""
        data = data.copy()
        total = f"{self.prefix}-TOTAL_FORMS"
        count = data.get(total, "1")
        data[total] = str(min(int(count) + 1 if count.isdigit() else 1, TravellerFormSet.max_num))
        form, people = self.forms(data)
        return self.render_to_response(self.get_context_data(form=form, people=people))

    def save(self, form, people):
        passage = form.save(commit=False)
        travellers = [
            row.traveller(passage.origin) for row in people.forms if row.has_changed() or not row.empty_permitted
        ]
        outcome = {}

        def record():
            outcome["passage"], outcome["created"] = services.record_passage(passage, travellers, self.request.user)
            return outcome["passage"]

        saved = save_in_scope(self.request.user, Action.ADD, record, Passage, passage.checkpoint.area_path)
        if not outcome["created"]:
            messages.warning(
                self.request,
                _("This car was registered already: %(passage)s. Nothing was added.") % {"passage": saved},
            )
            return redirect(saved)
        handed = sum(1 for traveller in travellers if hasattr(traveller, "handover"))
        messages.success(
            self.request,
            _("Saved: %(passage)s, %(people)s people, %(handovers)s hand-overs to villages.")
            % {"passage": saved, "people": len(travellers), "handovers": handed},
        )
        return redirect(f"{reverse('checkpoints:passage-add')}?checkpoint={saved.checkpoint_id}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Register a vehicle"), **kwargs)


class TravellerListView(ObjectListView):
    """Everyone who passed; with ``outside`` and a day, the list the command passes on to other cities."""

    model = Traveller
    table_class = TravellerTable
    filterset_class = TravellerFilterSet
    title = gettext_lazy("People at checkpoints")
    exact_count = False

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("passage__checkpoint", "origin", "destination__parent")
            .order_by("-pk")
        )


class DestinationSearchView(ScopedViewMixin, TemplateView):
    """The villages of the city by name, pinyin or initials, for the destination picker (JSON shaped as
    the areas API answers it)."""

    model = Passage

    def get(self, request, *args, **kwargs):
        if not self.user_can(Action.ADD):
            raise PermissionDenied
        text = request.GET.get("q", "").strip()[:50]
        villages = services.destinations_for(request.user).select_related("parent")
        found = villages.search(text).order_by("path")[:10] if text else []
        results = [
            {
                "code": v.code,
                "name": v.name,
                "short_name": v.short_name,
                "level": v.level,
                "parent_name": v.parent.short_name,
            }
            for v in found
        ]
        return JsonResponse({"results": results})


# --- hand-overs -----------------------------------------------------------------------------------


class HandOverListView(ObjectListView):
    """A village's inbox; the town and the command filter it by status (overdue: past the limit)."""

    model = HandOver
    table_class = HandOverTable
    filterset_class = HandOverFilterSet
    title = gettext_lazy("Hand-overs")
    empty_text = gettext_lazy("No hand-overs here.")
    exact_count = False

    def get_queryset(self):
        return super().get_queryset().select_related("traveller__passage", "checkpoint", "area__parent")


class HandOverView(ObjectDetailView):
    model = HandOver
    template_name = "checkpoints/handover_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "traveller__passage", "traveller__origin", "checkpoint", "area__parent", "decided_by", "arrival"
            )
        )

    def get_context_data(self, **kwargs):
        handover = self.object
        return super().get_context_data(
            can_change=handover.status == HandOver.Status.PENDING and self.user_can(Action.CHANGE, handover),
            form=NoteForm(),
            **kwargs,
        )


class HandOverActionView(ScopedViewMixin, DetailView):
    """GET asks to confirm; POST accepts, or marks as not arrived (with a note). The village's officers
    and grid workers; another village's hand-over is not found (404)."""

    model = HandOver
    action = Action.CHANGE
    template_name = "checkpoints/handover_action.html"
    verb = ""

    def get_queryset(self):
        return super().get_queryset().select_related("traveller__passage", "area")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.verb, verb=self.verb, form=NoteForm(), **kwargs)

    def post(self, request, *args, **kwargs):
        handover = self.get_object()
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            self.act(handover, note)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        inbox = reverse("checkpoints:handover-list")
        back = request.POST.get("next", "")
        return redirect(back if back.startswith(inbox) else handover)  # back to the inbox it was tapped in


class HandOverAcceptView(HandOverActionView):
    verb = gettext_lazy("Accept")

    def act(self, handover, note):
        services.accept(handover, self.request.user)
        messages.success(
            self.request, _("Accepted: %(handover)s; the register holds the arrival.") % {"handover": handover}
        )


class HandOverNotArrivedView(HandOverActionView):
    verb = gettext_lazy("Not arrived")

    def act(self, handover, note):
        services.not_arrived(handover, self.request.user, note)
        messages.success(self.request, _("Marked as not arrived: %(handover)s") % {"handover": handover})


urlpatterns = [
    path("", CheckpointListView.as_view(), name="checkpoint-list"),
    path("add/", CheckpointEditView.as_view(), name="checkpoint-add"),
    path("<int:pk>/", CheckpointView.as_view(), name="checkpoint"),
    path("<int:pk>/edit/", CheckpointEditView.as_view(), name="checkpoint-edit"),
    path("<int:pk>/delete/", CheckpointDeleteView.as_view(), name="checkpoint-delete"),
    path("shifts/", ShiftListView.as_view(), name="shift-list"),
    path("shifts/add/", ShiftEditView.as_view(), name="shift-add"),
    path("shifts/<int:pk>/edit/", ShiftEditView.as_view(), name="shift-edit"),
    path("shifts/<int:pk>/delete/", ShiftDeleteView.as_view(), name="shift-delete"),
    path("passages/", PassageListView.as_view(), name="passage-list"),
    path("passages/add/", PassageAddView.as_view(), name="passage-add"),
    path("passages/<int:pk>/", PassageView.as_view(), name="passage"),
    path("passages/destinations/", DestinationSearchView.as_view(), name="destination-search"),
    path("people/", TravellerListView.as_view(), name="traveller-list"),
    path("handovers/", HandOverListView.as_view(), name="handover-list"),
    path("handovers/<int:pk>/", HandOverView.as_view(), name="handover"),
    path("handovers/<int:pk>/accept/", HandOverAcceptView.as_view(), name="handover-accept"),
    path("handovers/<int:pk>/not-arrived/", HandOverNotArrivedView.as_view(), name="handover-not-arrived"),
]
