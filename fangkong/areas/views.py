from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DetailView
from django_tables2 import RequestConfig

from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin

from . import services
from .filters import AreaFilterSet, DivisionFilterSet, RiskAreaFilterSet
from .forms import GridForm, RiskAreaForm
from .models import Area, Division, RiskArea
from .tables import AreaTable, ChildAreaTable, RiskAreaTable

SEARCH_LIMIT = 20  # divisions suggested per search


class AreaListView(ObjectListView):
    model = Area
    table_class = AreaTable
    filterset_class = AreaFilterSet
    title = gettext_lazy("Areas")

    def get_queryset(self):
        return super().get_queryset().select_related("parent")


class AreaView(ObjectDetailView):
    model = Area
    slug_field = slug_url_kwarg = "code"
    template_name = "areas/area_detail.html"

    def get_context_data(self, **kwargs):
        area = self.object
        user = self.request.user
        show_special = self.request.GET.get("special") == "1"
        show_retired = self.request.GET.get("retired") == "1"
        children = area.children.annotate(child_count=Count("children", filter=Q(children__retired_on__isnull=True)))
        if not show_special:
            children = children.filter(is_special=False)
        if not show_retired:
            children = children.filter(retired_on__isnull=True)
        counts = dict(
            Area.objects.within(area)
            .exclude(pk=area.pk)
            .filter(retired_on__isnull=True, is_special=False)
            .values_list("level")
            .annotate(count=Count("id"))
            .values_list("level", "count")
        )
        hidden = () if show_retired else ("retired_on",)
        if area.level == Area.Level.VILLAGE:
            hidden += ("child_count",)  # grids have no sub-areas
        table = ChildAreaTable(children, exclude=hidden)
        # Paged like every list: a page that is not a number, or past the end, shows the first or last one.
        RequestConfig(self.request, paginate={"per_page": 100}).configure(table)
        return super().get_context_data(
            title=area.name,
            breadcrumbs=[(a, scope.can(user, Action.VIEW, Area, a.path)) for a in area.ancestors()],
            counts=[(level, Area.Level(level).label, counts[level]) for level in Area.LEVEL_ORDER if level in counts],
            children_table=table,
            special_children=area.children.filter(is_special=True).count() if not show_special else 0,
            show_special=show_special,
            retired_children=area.children.filter(retired_on__isnull=False).count() if not show_retired else 0,
            can_add_grid=area.level == Area.Level.VILLAGE and self.user_can(Action.ADD, area),
            can_edit_grid=area.level == Area.Level.GRID and self.user_can(Action.CHANGE, area),
            members=area.memberships.select_related("user").order_by("role", "user__username"),
            **kwargs,
        )


class GridEditView(ObjectEditView):
    """Add a grid to a village (URL names the village) or rename a grid (URL names the grid)."""

    model = Area
    form_class = GridForm
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return super().get_queryset().filter(level=Area.Level.GRID)

    @cached_property
    def village(self):
        village = get_object_or_404(Area.objects.restrict(self.request.user), code=self.kwargs["village"])
        if village.level != Area.Level.VILLAGE:
            raise PermissionDenied
        return village

    def new_object(self):
        if not self.user_can(Action.ADD, self.village):
            raise PermissionDenied
        return Area(parent=self.village, level=Area.Level.GRID)

    def save(self, form):
        if form.instance.pk:
            return form.save()
        return services.create_grid(self.village, form.cleaned_data["name"])

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:  # the village has used all its grid numbers
            form.add_error(None, error.messages)
            return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        parent = self.object.parent if self.object.pk else self.village
        return super().get_context_data(
            title=_("Rename grid %(name)s") % {"name": self.object}
            if self.object.pk
            else _("New grid in %(village)s") % {"village": parent},
            cancel_url=(self.object if self.object.pk else parent).get_absolute_url(),
            **kwargs,
        )


class GridRetireView(ScopedViewMixin, DetailView):
    model = Area
    action = Action.CHANGE
    slug_field = slug_url_kwarg = "code"
    template_name = "areas/grid_retire.html"

    def get_queryset(self):
        return super().get_queryset().filter(level=Area.Level.GRID, retired_on__isnull=True)

    def post(self, request, *args, **kwargs):
        grid = self.get_object()
        try:
            services.retire_grid(grid)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(grid)
        messages.success(
            request,
            _("Grid %(name)s retired. Its code %(code)s will not be reused.") % {"name": grid, "code": grid.code},
        )
        return redirect(reverse("areas:area", args=[grid.parent.code]))


class DivisionSearchView(LoginRequiredMixin, View):
    """Up to 20 divisions matching ?q= (name, full name, initials or code prefix) as JSON; counties
    unless ?level= names other levels (comma separated)."""

    def get(self, request):
        if not scope.can(request.user, Action.VIEW, Division):
            raise PermissionDenied
        levels = [level for level in request.GET.get("level", "county").split(",") if level in Division.Level.values]
        divisions = Division.objects.restrict(request.user).filter(level__in=levels or [Division.Level.COUNTY])
        query = request.GET.get("q", "").strip()
        search = DivisionFilterSet({"q": query}, queryset=divisions)
        if not search.is_valid():  # e.g. a search too long to be anything's name
            return JsonResponse({"errors": search.errors}, status=400, json_dumps_params={"ensure_ascii": False})
        results = search.qs if query else divisions.none()
        return JsonResponse(
            {
                "results": [
                    {"code": d.code, "name": d.name, "full_name": d.full_name, "level": d.level}
                    for d in results.order_by("code")[:SEARCH_LIMIT]
                ]
            },
            json_dumps_params={"ensure_ascii": False},
        )


class RiskAreaListView(ObjectListView):
    model = RiskArea
    table_class = RiskAreaTable
    filterset_class = RiskAreaFilterSet
    title = gettext_lazy("Risk areas")
    add_url = reverse_lazy("people:riskarea-add")
    empty_text = gettext_lazy("No risk areas are declared.")
    template_name = "areas/riskarea_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("division")


class RiskAreaEditView(ObjectEditView):
    """Commanders add and change risk areas; everyone reads them."""

    model = RiskArea
    form_class = RiskAreaForm
    template_name = "areas/riskarea_form.html"
    success_url = reverse_lazy("people:riskarea-list")

    def get_queryset(self):
        return super().get_queryset().select_related("division")

    def save(self, form):
        changed = services.save_risk_area(form.save(commit=False))
        if changed:
            messages.info(
                self.request,
                ngettext(
                    "%(count)d arrival already registered was checked again against this risk area.",
                    "%(count)d arrivals already registered were checked again against this risk area.",
                    changed,
                )
                % {"count": changed},
            )
        return form.instance

    def get_context_data(self, **kwargs):
        title = _("Edit risk area %(name)s") % {"name": self.object} if self.object.pk else _("New risk area")
        return super().get_context_data(title=title, cancel_url=reverse("people:riskarea-list"), **kwargs)


class RiskAreaEndView(ScopedViewMixin, DetailView):
    """End a risk area today: arrivals after today are not flagged for it."""

    model = RiskArea
    action = Action.CHANGE
    template_name = "areas/riskarea_end.html"

    def get_queryset(self):
        return super().get_queryset().select_related("division")

    def post(self, request, *args, **kwargs):
        risk_area = self.get_object()
        try:
            services.end_risk_area(risk_area)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is a risk area until %(date)s.") % {"name": risk_area, "date": risk_area.valid_until},
            )
        return redirect("people:riskarea-list")
