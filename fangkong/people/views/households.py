"""Households and responsibility (包组联户): register, members, bulk assignment, coverage."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fangkong.areas.models import Area
from fangkong.core import person_status, scope
from fangkong.core.figures import percent
from fangkong.core.forms import add_errors
from fangkong.core.roles import Action
from fangkong.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from .. import difficulties, services
from ..filters import HouseholdFilterSet
from ..forms import AddMemberForm, AssignForm, HouseholdForm
from ..models import Household, Person
from ..tables import HouseholdTable


def may_assign(user):
    return scope.holds(user, services.ASSIGN_ROLES)


def key_persons():
    """Persons with at least one key-person category, stored or derived (fever, under observation)."""
    categorised = Q(pk__in=Person.tags.through.objects.values("person_id"))
    return Person.objects.filter(
        categorised | person_status.condition("fever") | person_status.condition("under_observation")
    )


# --- households ----------------------------------------------------------------------------------


class HouseholdListView(ObjectListView):
    model = Household
    table_class = HouseholdTable
    filterset_class = HouseholdFilterSet
    template_name = "people/household_list.html"
    title = gettext_lazy("Households")
    add_url = reverse_lazy("people:household-add")
    empty_text = gettext_lazy("No households are registered here yet.")
    import_url = reverse_lazy("people:person-import")  # residents' rows make their households
    exact_count = False  # ~650,000 households in a city: look one row ahead instead of COUNT(*)

    def get_queryset(self):
        return (
            super().get_queryset().select_related("area__parent", "responsible").annotate(member_count=Count("members"))
        )

    def get_table_kwargs(self):
        return {} if may_assign(self.request.user) else {"exclude": ("select",)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_assign"] = may_assign(self.request.user)
        context["within"] = self.request.GET.get("within", "")
        return context


class HouseholdView(ObjectDetailView):
    model = Household
    template_name = "people/household_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("area__parent", "responsible")

    def can_add_member(self):
        return scope.can(self.request.user, Action.ADD, Person, self.object.area_path)

    def post(self, request, *args, **kwargs):
        """The quick "add a member" form."""
        self.object = self.get_object()
        if not self.can_add_member():
            raise PermissionDenied
        form = AddMemberForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                person, created = services.add_member(
                    self.object,
                    request.user,
                    name=data["name"],
                    id_number=data["id_number"],
                    sex=data["sex"],
                    birth_date=data["birth_date"],
                    phone=data["phone"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                if created:
                    messages.success(request, _("%(name)s registered in this household.") % {"name": person})
                else:
                    messages.info(
                        request,
                        _("%(name)s was registered already (same ID number) and is now a member of this household.")
                        % {"name": person},
                    )
                return redirect(self.object)
        return self.render_to_response(self.get_context_data(member_form=form))

    def get_context_data(self, **kwargs):
        household = self.object
        user = self.request.user
        members = Person.objects.restrict(user).filter(household=household).order_by("birth_date", "pk")
        context = {
            "title": str(household),
            "area_name": household.area.label(),
            "members": members,
            "can_edit": self.user_can(Action.CHANGE, household),
            "can_add_member": self.can_add_member(),
            "member_form": kwargs.pop("member_form", None) or AddMemberForm(),
            "coverage_url": reverse("people:coverage", args=[household.area.code]),
            "difficulty_labels": difficulties.labels(household),
        }
        return super().get_context_data(**context, **kwargs)


class HouseholdEditView(ObjectEditView):
    """Register a household (fast, on a phone) or edit one; a save over a newer version is refused."""

    model = Household
    form_class = HouseholdForm
    template_name = "people/household_form.html"

    def get_initial(self):
        initial = super().get_initial()
        if not self.lookup_given() and self.request.GET.get("area"):
            initial["area"] = self.request.GET["area"]
        return initial

    def save(self, form):
        household = form.save(commit=False)
        return services.save_household(household, form.cleaned_data.get("version"))

    def concurrent_edit(self, form, error):
        """Show what was saved meanwhile; saving again now overwrites their version knowingly."""
        current = Household.objects.select_related("responsible").get(pk=self.object.pk)
        form.add_error(None, error.messages)
        form.add_error(
            None,
            _("Saved meanwhile: address %(address)s, phone %(phone)s, responsible person %(responsible)s.")
            % {
                "address": current.address,
                "phone": current.phone or "—",
                "responsible": current.responsible or "—",
            },
        )
        form.data = form.data.copy()
        form.data["version"] = current.version
        return self.form_invalid(form)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        creating = not self.lookup_given()
        return super().get_context_data(
            title=_("Register a household") if creating else _("Edit household %(address)s") % {"address": self.object},
            cancel_url=reverse("people:household-list") if creating else self.object.get_absolute_url(),
            **kwargs,
        )


# --- responsibility: bulk assignment --------------------------------------------------------------


class AssignView(LoginRequiredMixin, TemplateView):
    """Assign one responsible cadre (and a doctor, for key persons) to many records in one transaction.

    The selection is either ids (checkboxes) or "all in area X", optionally only those missing one.
    Only records the user may change as an officer or commander are touched; the rest are counted.
    """

    template_name = "people/responsibility_assign.html"
    model = None
    ids_param = None
    # Records still missing what is assigned ("only those without one"), and the service that assigns
    # the form's fields (responsible, and doctor with with_doctor) to the selected rows.
    missing = None
    assign_service = None
    with_doctor = False
    title = ""
    preview_size = 20

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_assign(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def params(self):
        return self.request.POST if self.request.method == "POST" else self.request.GET

    @cached_property
    def ids(self):
        return [value for value in self.params.getlist(self.ids_param) if value.isdigit()]

    @cached_property
    def area(self):
        code = self.params.get("within", "").strip()
        return Area.objects.restrict(self.request.user).filter(code=code).first() if code else None

    @cached_property
    def missing_only(self):
        return self.params.get("missing") in ("1", "on", "true")

    def candidates(self):
        return self.model.objects.all()

    def selection(self):
        """The records the user asked for and may assign, or None when nothing was asked for."""
        user = self.request.user
        rows = self.model.objects.restrict(user, Action.CHANGE).filter(
            scope.user_q(user, services.ASSIGN_ROLES, "area_path")
        )
        rows = rows.filter(pk__in=self.candidates().values("pk"))
        if self.ids:
            return rows.filter(pk__in=self.ids)
        if self.area is not None:
            rows = rows.within(self.area)
            return rows.filter(self.missing) if self.missing_only else rows
        return None

    def assign(self, rows, form):
        fields = ("responsible", "doctor") if self.with_doctor else ("responsible",)
        return self.assign_service(rows, **{name: form.cleaned_data.get(name) for name in fields})

    def make_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return AssignForm(data, user=self.request.user, with_doctor=self.with_doctor)

    def post(self, request, *args, **kwargs):
        rows = self.selection()
        form = self.make_form()
        if rows is None or not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        selected = rows.count()
        changed = self.assign(rows, form)
        messages.success(
            request,
            _("%(changed)d of %(selected)d selected records changed.") % {"changed": changed, "selected": selected},
        )
        return redirect(self.done_url())

    def done_url(self):
        """Back to the area's coverage, or to this page when no area was chosen."""
        return reverse("people:coverage", args=[self.area.code]) if self.area else self.request.path

    def get_context_data(self, **kwargs):
        rows = self.selection()
        count = rows.count() if rows is not None else 0
        return super().get_context_data(
            title=self.title,
            form=kwargs.pop("form", None) or self.make_form(),
            selected=rows is not None,
            count=count,
            preview=list(rows.select_related("area__parent", "responsible")[: self.preview_size])
            if rows is not None
            else [],
            more=max(count - self.preview_size, 0),
            left_out=max(len(set(self.ids)) - count, 0) if self.ids else 0,
            ids=self.ids,
            ids_param=self.ids_param,
            within=self.area.code if self.area else self.params.get("within", ""),
            area=self.area,
            missing_only=self.missing_only,
            with_doctor=self.with_doctor,
            **kwargs,
        )


class HouseholdAssignView(AssignView):
    model = Household
    ids_param = "households"
    title = gettext_lazy("Assign a responsible person to households")

    missing = Q(responsible__isnull=True)
    assign_service = staticmethod(services.assign_households)

    def done_url(self):
        query = {"within": self.area.code} if self.area else {}
        return reverse("people:household-list") + (f"?{urlencode(query)}" if query else "")


class PersonAssignView(AssignView):
    model = Person
    ids_param = "persons"
    with_doctor = True
    title = gettext_lazy("Assign a responsible cadre and a village doctor to key persons")

    def candidates(self):
        return key_persons()

    missing = Q(responsible__isnull=True) | Q(doctor__isnull=True)
    assign_service = staticmethod(services.assign_key_persons)


# --- coverage ----------------------------------------------------------------------------------------


class CoverageView(ObjectDetailView):
    """Responsibility coverage of an area: households with a responsible person, key persons with a
    responsible cadre and a doctor, by sub-area, and the households still without one."""

    model = Area
    slug_field = slug_url_kwarg = "code"
    template_name = "people/responsibility_coverage.html"
    per_page = 25

    def bucket_of(self, path):
        """The sub-area (one level down) a record's area path falls in, or the area itself."""
        level = self.object.child_level
        return Area.path_at_level(path, level) if level else self.object.path

    def get_context_data(self, **kwargs):
        area = self.object
        user = self.request.user
        households = Household.objects.restrict(user).within(area)
        persons = key_persons().restrict(user).within(area)

        buckets = {}

        def bucket(path):
            key = self.bucket_of(path)
            return buckets.setdefault(
                key, {"households": 0, "covered": 0, "key_persons": 0, "no_responsible": 0, "no_doctor": 0}
            )

        for row in households.values("area_path").annotate(n=Count("id"), covered=Count("responsible")).order_by():
            entry = bucket(row["area_path"])
            entry["households"] += row["n"]
            entry["covered"] += row["covered"]
        person_counts = persons.values("area_path").annotate(
            n=Count("id"),
            no_responsible=Count("id", filter=Q(responsible__isnull=True)),
            no_doctor=Count("id", filter=Q(doctor__isnull=True)),
        )
        for row in person_counts.order_by():
            entry = bucket(row["area_path"])
            entry["key_persons"] += row["n"]
            entry["no_responsible"] += row["no_responsible"]
            entry["no_doctor"] += row["no_doctor"]
        children = list(area.children.filter(retired_on__isnull=True, is_special=False).order_by("code"))
        areas_by_path = {child.path: child for child in children}
        areas_by_path[area.path] = area
        extra = [path for path in buckets if path not in areas_by_path]
        areas_by_path.update({a.path: a for a in Area.objects.filter(path__in=extra)})
        rows = []
        for sub_path in [area.path, *(child.path for child in children), *sorted(extra)]:
            counts = buckets.get(sub_path)
            if sub_path == area.path and counts is None:
                continue  # nothing filed directly at this level
            counts = counts or {"households": 0, "covered": 0, "key_persons": 0, "no_responsible": 0, "no_doctor": 0}
            rows.append(
                {
                    "area": areas_by_path.get(sub_path),
                    "own": sub_path == area.path,
                    **counts,
                    "coverage": percent(counts["covered"], counts["households"]),
                }
            )
        total = {
            name: sum(b[name] for b in buckets.values())
            for name in ("households", "covered", "key_persons", "no_responsible", "no_doctor")
        }
        total["coverage"] = percent(total["covered"], total["households"])

        uncovered = (
            households.filter(responsible__isnull=True).select_related("area__parent").order_by("area_path", "address")
        )
        page = Paginator(uncovered, self.per_page).get_page(self.request.GET.get("page"))
        missing = persons.filter(Q(responsible__isnull=True) | Q(doctor__isnull=True))
        return super().get_context_data(
            title=_("Responsibility coverage: %(area)s") % {"area": area},
            total=total,
            rows=rows,
            page=page,
            missing_persons=list(
                missing.select_related("area__parent", "responsible", "doctor").order_by("area_path", "pk")[:50]
            ),
            missing_count=missing.count(),
            can_assign=may_assign(user),
            breadcrumbs=[(a, scope.can(user, Action.VIEW, Area, a.path)) for a in area.ancestors()],
            **kwargs,
        )


urlpatterns = [
    path("households/", HouseholdListView.as_view(), name="household-list"),
    path("households/add/", HouseholdEditView.as_view(), name="household-add"),
    path("households/assign/", HouseholdAssignView.as_view(), name="household-assign"),
    path("households/<int:pk>/", HouseholdView.as_view(), name="household"),
    path("households/<int:pk>/edit/", HouseholdEditView.as_view(), name="household-edit"),
    path("key-persons/assign/", PersonAssignView.as_view(), name="person-assign"),
    path("coverage/<str:code>/", CoverageView.as_view(), name="coverage"),
]
