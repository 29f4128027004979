"""Pages of facilities, transfers, cases and close contacts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from fangkong.core import scope
from fangkong.core.forms import add_errors
from fangkong.core.roles import Action
from fangkong.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from fangkong.people.models import Person

from ..models import Episode
from . import services
from .chain import chain
from .filters import (
    CaseFilterSet,
    ContactFilterSet,
    DisinfectionFilterSet,
    FacilityFilterSet,
    SampleFilterSet,
    TransferFilterSet,
)
from .forms import (
    CaseForm,
    ClassifyForm,
    ContactForm,
    DisinfectionForm,
    FacilityForm,
    ResultForm,
    SampleForm,
    TransferForm,
)
from .models import Case, Contact, Disinfection, Facility, Sample, Transfer
from .tables import CaseTable, ContactTable, DisinfectionTable, FacilityTable, SampleTable, TransferTable


class FacilityListView(ObjectListView):
    model = Facility
    table_class = FacilityTable
    filterset_class = FacilityFilterSet
    title = gettext_lazy("Designated hospitals and fever clinics")
    add_url = reverse_lazy("health:facility-add")

    def get_queryset(self):
        return super().get_queryset().select_related("area")


class FacilityEditView(ObjectEditView):
    model = Facility
    form_class = FacilityForm
    success_url = reverse_lazy("health:facility-list")

    def get_context_data(self, **kwargs):
        title = _("Edit %(name)s") % {"name": self.object} if self.object.pk else _("New facility")
        return super().get_context_data(title=title, cancel_url=reverse("health:facility-list"), **kwargs)


def person_in_scope(request, pk):
    person = Person.objects.restrict(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


class TransferListView(ObjectListView):
    model = Transfer
    table_class = TransferTable
    filterset_class = TransferFilterSet
    title = gettext_lazy("Transfers")
    empty_text = gettext_lazy("Nobody has been transferred from here.")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "facility", "area__parent")


class TransferAddView(ObjectEditView):
    """A doctor or officer takes the person to a facility; their open observation ends, transferred."""

    model = Transfer
    form_class = TransferForm

    def new_object(self):
        person = person_in_scope(self.request, self.kwargs["person"])
        return Transfer(person=person, area=person.area)

    def get_initial(self):
        return {"transferred_at": timezone.localtime().replace(second=0, microsecond=0)}

    def save(self, form):
        return services.transfer(form.instance, self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        person = self.object.person
        return super().get_context_data(
            title=_("Transfer %(name)s") % {"name": person},
            cancel_url=reverse("people:person", args=[person.pk]),
            **kwargs,
        )


class TransferView(ObjectDetailView):
    model = Transfer
    template_name = "health/transfer_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "facility", "episode", "area__parent")

    def get_context_data(self, **kwargs):
        can_record = self.user_can(Action.CHANGE, self.object)
        return super().get_context_data(
            title=str(self.object), result_form=ResultForm() if can_record else None, **kwargs
        )


class TransferResultView(ScopedViewMixin, DetailView):
    """CDC records the facility's finding."""

    model = Transfer
    action = Action.CHANGE
    template_name = "health/record_action.html"

    def get_context_data(self, **kwargs):
        title = _("Result of the transfer of %(name)s") % {"name": self.object.person}
        return super().get_context_data(title=title, form=ResultForm(), **kwargs)

    def post(self, request, *args, **kwargs):
        transfer = self.get_object()
        form = ResultForm(request.POST)
        if form.is_valid():
            services.record_result(transfer, form.cleaned_data["result"], request.user)
            messages.success(request, _("Result saved: %(result)s") % {"result": transfer.get_result_display()})
        else:
            messages.error(request, _("Pick a result."))
        return redirect(transfer)


class CaseListView(ObjectListView):
    model = Case
    table_class = CaseTable
    filterset_class = CaseFilterSet
    title = gettext_lazy("Cases")
    template_name = "health/case_list.html"
    empty_text = gettext_lazy("No cases are reported here.")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "area__parent")


class CaseAddView(ObjectEditView):
    """CDC reports a case of a registered person."""

    model = Case
    form_class = CaseForm

    def new_object(self):
        person = person_in_scope(self.request, self.kwargs["person"])
        return Case(person=person, area=person.area)

    def get_initial(self):
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"diagnosed_at": now, "reported_at": now}

    def save(self, form):
        return services.report_case(form.instance, self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        person = self.object.person
        return super().get_context_data(
            title=_("Report a case: %(name)s") % {"name": person},
            cancel_url=reverse("people:person", args=[person.pk]),
            **kwargs,
        )


class CaseView(ObjectDetailView):
    """A case: its classification timeline, and the chain of transmission from it."""

    model = Case
    template_name = "health/case_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "area__parent")

    def get_context_data(self, **kwargs):
        case = self.object
        can_change = self.user_can(Action.CHANGE, case)
        return super().get_context_data(
            title=str(case),
            events=case.events.select_related("by"),
            chain=chain(case, self.request.user),
            classify_form=ClassifyForm(case=case) if can_change and case.next_classifications() else None,
            can_add_contact=scope.can(self.request.user, Action.ADD, Contact, case.area_path),
            **kwargs,
        )


class CaseClassifyView(ScopedViewMixin, DetailView):
    """Change a case's classification along an allowed step."""

    model = Case
    action = Action.CHANGE
    template_name = "health/record_action.html"

    def get_context_data(self, **kwargs):
        case = self.object
        form = ClassifyForm(case=case) if case.next_classifications() else None
        title = _("Change the classification of %(name)s") % {"name": case.person}
        return super().get_context_data(title=title, form=form, **kwargs)

    def post(self, request, *args, **kwargs):
        case = self.get_object()
        try:
            case = services.classify(case, request.POST.get("classification", ""), request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is now: %(classification)s")
                % {
                    "name": case.person,
                    "classification": case.get_classification_display(),
                },
            )
        return redirect(case)


class ContactListView(ObjectListView):
    model = Contact
    table_class = ContactTable
    filterset_class = ContactFilterSet
    title = gettext_lazy("Close contacts")
    empty_text = gettext_lazy("No close contacts are recorded here.")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "area__parent", "source_case__person", "source_person", "episode")
        )


class ContactView(ObjectDetailView):
    model = Contact
    template_name = "health/contact_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "area__parent", "source_case__person", "source_person", "episode")
        )

    def get_context_data(self, **kwargs):
        contact = self.object
        return super().get_context_data(
            title=str(contact),
            their_contacts=Contact.objects.restrict(self.request.user)
            .filter(source_person=contact.person)
            .select_related("person"),
            can_add_contact=scope.can(self.request.user, Action.ADD, Contact, contact.area_path),
            **kwargs,
        )


class ContactAddView(ScopedViewMixin, FormView):
    """Record a close contact of a case (``case`` in the URL) or of a contact (``contact``): pick a
    registered person with the register's search, or register a new one."""

    form_class = ContactForm
    template_name = "health/contact_form.html"

    @property
    def model(self):
        return Case if "case" in self.kwargs else Contact

    @cached_property
    def source(self):
        pk = self.kwargs.get("case", self.kwargs.get("contact"))
        source = get_object_or_404(self.get_queryset(), pk=pk)
        if not scope.can(self.request.user, Action.ADD, Contact, source.area_path):
            raise PermissionDenied
        return source

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.source  # noqa: B018 (out of scope is 404, a role that may not add contacts 403)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"q": self.request.GET.get("q", ""), "last_contact_on": timezone.localdate()}

    def form_valid(self, form):
        data = form.cleaned_data
        contact = Contact(setting=data["setting"], last_contact_on=data["last_contact_on"])
        if isinstance(self.source, Case):
            contact.source_case = self.source
        else:
            contact.source_person = self.source.person
        try:
            contact.person = data["person"] or services.person_for_contact(
                self.request.user, data["name"], data["area"], data["id_number"], data["phone"]
            )
            contact = services.record_contact(contact, self.request.user)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is recorded as a close contact, observed until %(date)s.")
            % {"name": contact.person, "date": contact.episode.planned_end_on.isoformat()},
        )
        return redirect(self.source)

    def get_context_data(self, **kwargs):
        of = self.source.person
        return super().get_context_data(
            title=_("Close contact of %(name)s") % {"name": of}, cancel_url=self.source.get_absolute_url(), **kwargs
        )


class SampleListView(ObjectListView):
    model = Sample
    table_class = SampleTable
    filterset_class = SampleFilterSet
    title = gettext_lazy("Nucleic-acid tests")
    empty_text = gettext_lazy("No nucleic-acid tests are recorded here.")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "area__parent")


class SampleEditView(ObjectEditView):
    """A nucleic-acid test of a person (``person`` in the URL), or its result later (``pk``)."""

    model = Sample
    form_class = SampleForm
    success_url = reverse_lazy("health:sample-list")

    def new_object(self):
        person = person_in_scope(self.request, self.kwargs["person"])
        return Sample(person=person, area=person.area, taken_on=timezone.localdate())

    def save(self, form):
        return services.save_sample(form.instance)

    def get_context_data(self, **kwargs):
        title = _("Nucleic-acid test of %(name)s") % {"name": self.object.person}
        return super().get_context_data(title=title, cancel_url=reverse("health:sample-list"), **kwargs)


class DisinfectionListView(ObjectListView):
    model = Disinfection
    table_class = DisinfectionTable
    filterset_class = DisinfectionFilterSet
    title = gettext_lazy("Disinfections")
    empty_text = gettext_lazy("No disinfections are recorded here.")

    def get_queryset(self):
        return super().get_queryset().select_related("episode__person", "household", "area__parent")


class DisinfectionAddView(ObjectEditView):
    """Disinfection of the dwelling of a person under home observation (``episode`` in the URL)."""

    model = Disinfection
    form_class = DisinfectionForm

    def new_object(self):
        episode = Episode.objects.restrict(self.request.user).filter(pk=self.kwargs["episode"]).first()
        if episode is None:
            raise Http404
        return Disinfection(episode=episode, area=episode.area, done_on=timezone.localdate())

    def save(self, form):
        return services.record_disinfection(form.instance)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        episode = self.object.episode
        title = _("Disinfection of the dwelling of %(name)s") % {"name": episode.person}
        return super().get_context_data(title=title, cancel_url=episode.get_absolute_url(), **kwargs)


urlpatterns = [
    path("facilities/", FacilityListView.as_view(), name="facility-list"),
    path("facilities/add/", FacilityEditView.as_view(), name="facility-add"),
    path("facilities/<int:pk>/edit/", FacilityEditView.as_view(), name="facility-edit"),
    path("transfers/", TransferListView.as_view(), name="transfer-list"),
    path("transfers/<int:pk>/", TransferView.as_view(), name="transfer"),
    path("transfers/<int:pk>/result/", TransferResultView.as_view(), name="transfer-result"),
    path("people/<int:person>/transfer/", TransferAddView.as_view(), name="transfer-add"),
    path("cases/", CaseListView.as_view(), name="case-list"),
    path("cases/<int:pk>/", CaseView.as_view(), name="case"),
    path("cases/<int:pk>/classify/", CaseClassifyView.as_view(), name="case-classify"),
    path("cases/<int:case>/contacts/add/", ContactAddView.as_view(), name="contact-add"),
    path("people/<int:person>/case/", CaseAddView.as_view(), name="case-add"),
    path("contacts/", ContactListView.as_view(), name="contact-list"),
    path("contacts/<int:pk>/", ContactView.as_view(), name="contact"),
    path("contacts/<int:contact>/contacts/add/", ContactAddView.as_view(), name="contact-of-contact-add"),
    path("tests/", SampleListView.as_view(), name="sample-list"),
    path("tests/<int:pk>/", SampleEditView.as_view(), name="sample-edit"),
    path("people/<int:person>/test/", SampleEditView.as_view(), name="sample-add"),
    path("disinfections/", DisinfectionListView.as_view(), name="disinfection-list"),
    path("episodes/<int:episode>/disinfect/", DisinfectionAddView.as_view(), name="disinfection-add"),
]
