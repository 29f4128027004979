"""Arrivals (返乡/来商人员) and the people who still need observation."""

from django.contrib import messages
from django.db.models import F, Max
from django.http import Http404
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.areas.models import Area
from fangkong.core import person_status
from fangkong.core.roles import Action
from fangkong.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from .. import services
from ..filters import ArrivalFilterSet, NeedsObservationFilterSet
from ..forms import ArrivalEditForm, ArrivalForm, default_area
from ..models import Arrival, Person
from ..scoping import area_full_name, areas_for_arrivals
from ..tables import ArrivalTable, NeedsObservationTable


class ArrivalListView(ObjectListView):
    model = Arrival
    table_class = ArrivalTable
    filterset_class = ArrivalFilterSet
    template_name = "people/arrival_list.html"
    title = gettext_lazy("Arrivals")
    add_url = reverse_lazy("people:arrival-add")
    empty_text = gettext_lazy("No arrivals are registered here yet.")
    import_url = reverse_lazy("people:arrival-import")
    exact_count = False  # one arrival or more per returnee: look one row ahead instead of COUNT(*)

    def get_queryset(self):
        return super().get_queryset().select_related("person", "origin", "area__parent")


class ArrivalView(ObjectDetailView):
    model = Arrival
    template_name = "people/arrival_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person__area", "origin", "risk_area__division", "area")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=str(self.object),
            tags=self.object.person.tags.all(),
            area_label=area_full_name(self.object.area),
            can_edit=self.user_can(Action.CHANGE, self.object),
            **kwargs,
        )


class ArrivalCreateView(ObjectEditView):
    """The arrival register: the person is found by ID number or registered; a risk-area origin flags them."""

    model = Arrival
    form_class = ArrivalForm
    template_name = "people/arrival_form.html"

    def get_initial(self):
        area = self.request.GET.get("area", "")
        if not area:  # a grid worker registers in their own grid
            own = default_area(self.request.user, areas_for_arrivals(self.request.user))
            area = own.code if own else ""
        return {"area": area, "arrived_on": timezone.localdate()}

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code != 302:
            return response  # refused (out of scope, a person outside it, a name mismatch): shown again
        result, arrival = form.result, form.result.arrival
        if not result.arrival_created:
            messages.info(self.request, _("This arrival was registered already; nothing was added."))
        elif not result.person_created:
            messages.info(
                self.request,
                _("%(name)s was registered already: the arrival is added to their record.") % {"name": arrival.person},
            )
        if arrival.risk:
            messages.warning(
                self.request,
                _(
                    "%(name)s comes from a risk area (%(risk_area)s) and is now flagged as a key person: "
                    "they are on the needs-observation list until an observation is opened."
                )
                % {"name": arrival.person, "risk_area": arrival.risk_area},
            )
        return response

    def get_success_url(self):
        return reverse("people:arrival", kwargs={"pk": self.object.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Register an arrival"), cancel_url=reverse("people:arrival-list"), **kwargs
        )


class NeedsObservationView(ObjectListView):
    """People flagged from a risk area or as close contacts who are not under observation yet
    (``core.person_status``: no episode since their last arrival), the longest waiting first."""

    model = Person
    table_class = NeedsObservationTable
    filterset_class = NeedsObservationFilterSet
    template_name = "people/arrival_needs_observation.html"
    paginate_by = 100
    empty_text = gettext_lazy("Nobody is waiting for observation here.")

    @cached_property
    def area(self):
        if "code" not in self.kwargs:
            return None
        area = Area.objects.restrict(self.request.user).filter(code=self.kwargs["code"]).first()
        if area is None:
            raise Http404
        return area

    def get(self, request, *args, **kwargs):
        self.area  # noqa: B018 (an area out of scope is 404 before anything else)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        people = (
            super()
            .get_queryset()
            .filter(person_status.condition("awaiting_observation"))
            .annotate(last_arrived_on=Max("arrivals__arrived_on"))
            .select_related("area__parent")
            .prefetch_related("tags")
        )
        if self.area is not None:
            people = people.within(self.area)
        return people.order_by(F("last_arrived_on").asc(nulls_last=True), "pk")

    def get_table_kwargs(self):
        return {"order_by": None}

    def get_context_data(self, **kwargs):
        title = _("Needs observation")
        if self.area is not None:
            title = f"{title} · {self.area}"
        context = super().get_context_data(area=self.area, **kwargs)
        context["title"] = title
        return context


class ArrivalEditView(ObjectEditView):
    """Correct an arrival; a changed origin or date is checked against the risk areas again."""

    model = Arrival
    form_class = ArrivalEditForm
    template_name = "people/arrival_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "origin", "area")

    def save(self, form):
        was_risk = self.object.risk_area_id is not None
        arrival = services.save_arrival(form.save(commit=False))
        if arrival.risk and not was_risk:
            messages.warning(
                self.request,
                _("%(name)s comes from a risk area (%(risk_area)s) and is now flagged as a key person.")
                % {"name": arrival.person, "risk_area": arrival.risk_area},
            )
        return arrival

    def get_success_url(self):
        return reverse("people:arrival", kwargs={"pk": self.object.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Correct the arrival of %(name)s") % {"name": self.object.person},
            submit_label=_("Save"),
            cancel_url=self.get_success_url(),
            **kwargs,
        )


urlpatterns = [
    path("arrivals/", ArrivalListView.as_view(), name="arrival-list"),
    path("arrivals/add/", ArrivalCreateView.as_view(), name="arrival-add"),
    path("arrivals/<int:pk>/", ArrivalView.as_view(), name="arrival"),
    path("arrivals/<int:pk>/edit/", ArrivalEditView.as_view(), name="arrival-edit"),
    path("needs-observation/", NeedsObservationView.as_view(), name="needs-observation"),
    path("needs-observation/<str:code>/", NeedsObservationView.as_view(), name="area-needs-observation"),
]
