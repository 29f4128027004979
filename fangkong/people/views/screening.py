"""Screening rounds (全覆盖排查) and visits: open a round, follow its coverage live, record visits."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
    get_object_in_scope_or_404,
)

from .. import services
from ..filters import ScreeningRoundFilterSet
from ..forms import RoundForm, VisitForm
from ..models import Household, ScreeningRound, ScreeningVisit
from ..tables import ScreeningRoundTable

HOUSEHOLDS_PER_PAGE = 30


class RoundListView(ObjectListView):
    model = ScreeningRound
    table_class = ScreeningRoundTable
    filterset_class = ScreeningRoundFilterSet
    template_name = "people/round_list.html"
    title = gettext_lazy("Screening rounds")
    empty_text = gettext_lazy("No screening round has been opened here yet.")
    paginate_by = 30

    @property
    def add_url(self):
        return reverse("people:round-add")

    def get_queryset(self):
        rounds = super().get_queryset().with_status().with_coverage(self.request.user)
        return rounds.select_related("area", "area__parent")


class RoundAddView(ObjectEditView):
    model = ScreeningRound
    form_class = RoundForm

    def get_initial(self):
        code = self.request.GET.get("area")
        return {"area": Area.objects.filter(code=code).first()} if code else {}

    def save(self, form):
        data = form.cleaned_data
        return services.open_round(self.request.user, data["area"], data["title"], data["deadline"])[0]

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Open a screening round"), cancel_url=reverse("people:round-list"), **kwargs
        )


class RoundView(ObjectDetailView):
    """Live coverage of a round in the user's part of its area, by grid, and the households left to visit."""

    model = ScreeningRound
    template_name = "people/round_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_status().select_related("area", "area__parent", "opened_by")

    def get_context_data(self, **kwargs):
        screening_round, user = self.object, self.request.user
        overall, by_area = screening_round.coverage(user)
        show_visited = self.request.GET.get("show") == "visited"
        households = screening_round.households_in_scope(user).select_related("area", "area__parent")
        if show_visited:
            households = households.filter(screening_round.visited_q())
        else:
            households = households.exclude(screening_round.visited_q())
        search = self.request.GET.get("q", "").strip()
        if search:
            households = households.filter(address__icontains=search)
        page = Paginator(households.order_by("area_path", "address", "id"), HOUSEHOLDS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        page.object_list = list(page.object_list)
        if show_visited:
            pks = [household.pk for household in page.object_list]
            visits = ScreeningVisit.objects.filter(round=screening_round, household__in=pks)
            by_household = {visit.household_id: visit for visit in visits}
            for household in page.object_list:
                household.round_visit = by_household.get(household.pk)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            title=screening_round.title,
            overall=overall,
            by_area=by_area,
            page=page,
            unvisited_count=overall["households"] - overall["visited"],
            show_visited=show_visited,
            search=search,
            page_query=query.urlencode(),
            can_visit=screening_round.closed_on is None and scope.can(user, Action.ADD, ScreeningVisit),
            can_close=screening_round.closed_on is None and self.user_can(Action.CHANGE, screening_round),
            **kwargs,
        )


class RoundCloseView(ScopedViewMixin, DetailView):
    model = ScreeningRound
    action = Action.CHANGE
    template_name = "people/round_close.html"

    def post(self, request, *args, **kwargs):
        screening_round = self.get_object()
        services.close_round(screening_round, request.user)
        messages.success(request, _("Round %(round)s closed.") % {"round": screening_round})
        return redirect(screening_round)


class VisitView(LoginRequiredMixin, FormView):
    """Record a household's visit in a round; a second visit in the same round updates the first."""

    form_class = VisitForm
    template_name = "people/visit_form.html"

    @cached_property
    def screening_round(self):
        return get_object_in_scope_or_404(ScreeningRound, self.request.user, pk=self.kwargs["round"])

    @cached_property
    def household(self):
        # Only a household of the round's area that the user may see: anything else is not found.
        households = self.screening_round.households_in_scope(self.request.user).select_related("area", "area__parent")
        try:
            return households.get(pk=self.kwargs["household"])
        except Household.DoesNotExist as missing:
            raise Http404 from missing

    @cached_property
    def visit(self):
        return (
            ScreeningVisit.objects.filter(round=self.screening_round, household=self.household)
            .select_related("visited_by")
            .first()
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            action = Action.CHANGE if self.visit else Action.ADD
            if not scope.can(request.user, action, ScreeningVisit, self.household.area_path):
                raise PermissionDenied
            if self.screening_round.closed_on is not None:
                messages.error(request, _("This round is closed: no more visits are recorded in it."))
                return redirect(self.screening_round)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "household": self.household, "user": self.request.user}

    def get_initial(self):
        visit = self.visit
        if visit is None:
            return {"visited_on": timezone.localdate(), "members_home": self.household.members.count()}
        return {
            "visited_on": visit.visited_on,
            "members_home": visit.members_home,
            "arrivals_found": visit.arrivals_found,
            "symptoms_found": visit.symptoms_found,
            "note": visit.note,
            "fever_members": list(visit.fever_members.values_list("pk", flat=True)),
        }

    def form_valid(self, form):
        arrivals = form.arrivals()
        try:
            with transaction.atomic():
                visit, created = services.record_visit(
                    self.request.user,
                    self.screening_round,
                    self.household,
                    form.visit_values(),
                    arrivals=arrivals,
                    fever_members=form.cleaned_data["fever_members"],
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        if created:
            messages.success(self.request, _("Visit to %(household)s recorded.") % {"household": self.household})
        else:
            messages.info(
                self.request,
                _("%(household)s was already visited in this round: that visit was updated, not counted again.")
                % {"household": self.household},
            )
        for found in arrivals:
            messages.warning(
                self.request,
                _("Arrival of %(name)s from %(origin)s registered.") % {"name": found.name, "origin": found.origin},
            )
        return redirect(f"{self.screening_round.get_absolute_url()}#households")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Visit: %(household)s") % {"household": self.household},
            screening_round=self.screening_round,
            household=self.household,
            visit=self.visit,
            members=self.household.members.restrict(self.request.user, Action.VIEW),
            **kwargs,
        )


urlpatterns = [
    path("screening/", RoundListView.as_view(), name="round-list"),
    path("screening/add/", RoundAddView.as_view(), name="round-add"),
    path("screening/<int:pk>/", RoundView.as_view(), name="round"),
    path("screening/<int:pk>/close/", RoundCloseView.as_view(), name="round-close"),
    path("screening/<int:round>/households/<int:household>/visit/", VisitView.as_view(), name="visit-add"),
]
