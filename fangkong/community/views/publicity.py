"""Pages of publicity: notices with their coverage grid by grid and the relay mark, the rumour
refutations with each village's QR poster, policy Q&A, and the public pages of a village (no login)."""

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import ALL_ROLES, Action
from fangkong.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from .. import services
from ..filters import NoticeFilterSet, NoticeRelayFilterSet, QuestionFilterSet, RumourFilterSet
from ..forms import NoticeForm, QuestionForm, RelayForm, RumourForm
from ..models import Notice, NoticeRelay, Question, Rumour
from ..tables import NoticeRelayTable, NoticeTable, QuestionTable, RumourTable

# A public page lists at most this many entries (the newest first).
PUBLIC_LIMIT = 200


class PublicityListView(ObjectListView):
    template_name = "community/publicity_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("area__parent")


class NoticeListView(PublicityListView):
    """Notices reaching the user's areas; ``?to_relay=true``: those still to relay in their grids."""

    model = Notice
    table_class = NoticeTable
    filterset_class = NoticeFilterSet
    title = gettext_lazy("Publicity notices")
    add_url = reverse_lazy("community:notice-add")
    empty_text = gettext_lazy("No notice reaches your areas yet.")

    def get_queryset(self):
        return super().get_queryset().with_coverage(self.request.user)


class NoticeView(ObjectDetailView):
    """A notice, its coverage below an area of the user's (``?area=<code>``, one row per child area,
    down to the grids), and the user's grids still to relay it."""

    model = Notice
    template_name = "community/notice_detail.html"

    def get_context_data(self, **kwargs):
        notice, user = self.object, self.request.user
        code = self.request.GET.get("area", "").strip()
        if code and not code.isdigit():
            raise Http404
        area = services.coverage_area(notice, user, code)
        if area is None and code:
            raise Http404
        rows, total = services.coverage(notice, area) if area is not None else ([], None)
        grids = list(services.relay_grids(notice, user).select_related("parent")[:50])
        relayed = set(NoticeRelay.objects.filter(notice=notice, area__in=grids).values_list("area_id", flat=True))
        return super().get_context_data(
            title=notice.title,
            area=area,
            up=self.area_above(area),
            rows=rows,
            total=total,
            my_grids=[(grid, grid.pk in relayed) for grid in grids],
            can_change=self.user_can(Action.CHANGE, notice),
            **kwargs,
        )

    def area_above(self, area):
        """The area above, for the way back up: while it is the user's and within the notice's."""
        if area is None or area.path == self.object.area_path or area.parent_id is None:
            return None
        return services.coverage_area(self.object, self.request.user, area.parent.code)


class NoticeEditView(ObjectEditView):
    model = Notice
    form_class = NoticeForm

    def save(self, form):
        return services.save_notice(form.instance, self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        title = _("Publish a notice") if not self.lookup_given() else _("Edit the notice")
        return super().get_context_data(title=title, cancel_url=reverse("community:notice-list"), **kwargs)


class NoticeDeleteView(ObjectDeleteView):
    model = Notice
    success_url = reverse_lazy("community:notice-list")


class RelayView(ObjectEditView):
    """Marks the notice relayed in one of the user's grids (again: adds the methods, changes nothing
    else). A grid worker's one grid is chosen for them."""

    model = NoticeRelay
    form_class = RelayForm
    template_name = "community/relay_form.html"
    pk_url_kwarg = "relay"  # the URL names the notice: this page always marks (or re-marks) a grid

    def new_object(self):
        self.notice = get_object_or_404(Notice.objects.restrict(self.request.user), pk=self.kwargs["notice"])
        return NoticeRelay(notice=self.notice)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["notice"] = self.notice
        code = self.request.GET.get("grid", "") if self.request.method == "GET" else ""
        if code.isdigit():
            grid = Area.objects.filter(code=code).first()
            kwargs["initial"] = {**kwargs.get("initial", {}), "area": grid.pk if grid else None}
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        relay, self.created = services.mark_relayed(
            self.notice, data["area"], self.request.user, form.methods(), data.get("note", ""), data.get("relayed_at")
        )
        return relay

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.object is not None and not getattr(self, "created", True):
            messages.info(self.request, _("This grid had already marked the notice relayed: the mark is kept."))
        return response

    def get_success_url(self):
        return self.notice.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Mark relayed: %(notice)s") % {"notice": self.notice},
            notice=self.notice,
            cancel_url=self.notice.get_absolute_url(),
            **kwargs,
        )


class RelayListView(PublicityListView):
    """The marks in the user's areas; ``?date=`` is the daily report's "notices relayed" figure."""

    model = NoticeRelay
    table_class = NoticeRelayTable
    filterset_class = NoticeRelayFilterSet
    title = gettext_lazy("Notices relayed")
    empty_text = gettext_lazy("No notice has been marked relayed here yet.")

    def get_queryset(self):
        return super().get_queryset().select_related("notice", "relayed_by")


class RumourListView(PublicityListView):
    model = Rumour
    table_class = RumourTable
    filterset_class = RumourFilterSet
    title = gettext_lazy("Rumours refuted")
    add_url = reverse_lazy("community:rumour-add")


class RumourView(ObjectDetailView):
    model = Rumour
    template_name = "community/rumour_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Rumour refuted"), can_change=self.user_can(Action.CHANGE, self.object), **kwargs
        )


class RumourEditView(ObjectEditView):
    model = Rumour
    form_class = RumourForm

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        title = _("Refute a rumour") if not self.lookup_given() else _("Edit the refutation")
        return super().get_context_data(title=title, cancel_url=reverse("community:rumour-list"), **kwargs)


class RumourDeleteView(ObjectDeleteView):
    model = Rumour
    success_url = reverse_lazy("community:rumour-list")


class VillagePagesView(LoginRequiredMixin, TemplateView):
    """The villages of the user's areas, each with its QR poster and its public pages."""

    template_name = "community/village_pages.html"

    def get_context_data(self, **kwargs):
        if not scope.holds(self.request.user, ALL_ROLES):
            raise PermissionDenied
        villages = Area.objects.restrict(self.request.user).active().filter(level=Area.Level.VILLAGE)
        query = self.request.GET.get("q", "").strip()
        if query:
            villages = villages.search(query)
        return super().get_context_data(
            title=_("Village public pages and posters"),
            villages=villages.select_related("parent").order_by("path")[:100],
            query=query,
            **kwargs,
        )


class PosterView(LoginRequiredMixin, TemplateView):
    """A village's poster (A4) with the QR code of its public page of refutations and answers."""

    template_name = "community/poster.html"

    def get_context_data(self, **kwargs):
        if not self.kwargs["code"].isdigit():
            raise Http404
        village = get_object_or_404(
            Area.objects.restrict(self.request.user).select_related("parent"), code=self.kwargs["code"], level="village"
        )
        url = self.request.build_absolute_uri(reverse("public-rumours", args=[village.code]))
        return super().get_context_data(
            village=village,
            public_url=url,
            qr=segno.make(url, error="m").svg_data_uri(scale=6, border=2),
            latest=Rumour.objects.applying_to(village)[:3],
            **kwargs,
        )


class QuestionListView(PublicityListView):
    model = Question
    table_class = QuestionTable
    filterset_class = QuestionFilterSet
    title = gettext_lazy("Policy Q&A")
    add_url = reverse_lazy("community:question-add")


class QuestionView(ObjectDetailView):
    model = Question
    template_name = "community/question_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Policy question"), can_change=self.user_can(Action.CHANGE, self.object), **kwargs
        )


class QuestionEditView(ObjectEditView):
    model = Question
    form_class = QuestionForm

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        title = _("Answer a policy question") if not self.lookup_given() else _("Edit the answer")
        return super().get_context_data(title=title, cancel_url=reverse("community:question-list"), **kwargs)


class QuestionDeleteView(ObjectDeleteView):
    model = Question
    success_url = reverse_lazy("community:question-list")


def _public_village(code):
    if not code.isdigit():
        raise Http404
    return get_object_or_404(Area.objects.active().select_related("parent__parent"), code=code, level="village")


@never_cache
def public_rumours(request, code):
    """No login: the published refutations that apply to the village (its own and its areas above)."""
    village = _public_village(code)
    rumours = Rumour.objects.applying_to(village).select_related("area")[:PUBLIC_LIMIT]
    return render(request, "community/public_rumours.html", {"village": village, "rumours": rumours})


@never_cache
def public_questions(request, code):
    """No login: the published answers that apply to the village, searchable (words, pinyin, initials)."""
    village = _public_village(code)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    questions = Question.objects.applying_to(village).search(query).select_related("area")[:PUBLIC_LIMIT]
    return render(
        request, "community/public_questions.html", {"village": village, "questions": questions, "query": query}
    )


urlpatterns = [
    path("notices/", NoticeListView.as_view(), name="notice-list"),
    path("notices/add/", NoticeEditView.as_view(), name="notice-add"),
    path("notices/<int:pk>/", NoticeView.as_view(), name="notice"),
    path("notices/<int:pk>/edit/", NoticeEditView.as_view(), name="notice-edit"),
    path("notices/<int:pk>/delete/", NoticeDeleteView.as_view(), name="notice-delete"),
    path("notices/<int:notice>/relay/", RelayView.as_view(), name="notice-relay"),
    path("relays/", RelayListView.as_view(), name="relay-list"),
    path("rumours/", RumourListView.as_view(), name="rumour-list"),
    path("rumours/add/", RumourEditView.as_view(), name="rumour-add"),
    path("rumours/<int:pk>/", RumourView.as_view(), name="rumour"),
    path("rumours/<int:pk>/edit/", RumourEditView.as_view(), name="rumour-edit"),
    path("rumours/<int:pk>/delete/", RumourDeleteView.as_view(), name="rumour-delete"),
    path("villages/", VillagePagesView.as_view(), name="village-pages"),
    path("villages/<str:code>/poster/", PosterView.as_view(), name="poster"),
    path("questions/", QuestionListView.as_view(), name="question-list"),
    path("questions/add/", QuestionEditView.as_view(), name="question-add"),
    path("questions/<int:pk>/", QuestionView.as_view(), name="question"),
    path("questions/<int:pk>/edit/", QuestionEditView.as_view(), name="question-edit"),
    path("questions/<int:pk>/delete/", QuestionDeleteView.as_view(), name="question-delete"),
]

public_urlpatterns = [
    path("public/rumours/<str:code>/", public_rumours, name="public-rumours"),
    path("public/questions/<str:code>/", public_questions, name="public-questions"),
]
