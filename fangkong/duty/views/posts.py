"""Pioneer posts, responsibility zones, and what a party member holds."""

from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fangkong.areas.models import Area
from fangkong.core.roles import Action
from fangkong.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
    get_object_in_scope_or_404,
)
from fangkong.people.models import Household, Person

from .. import services
from ..filters import PostFilterSet, ZoneFilterSet
from ..forms import PostForm, ZoneForm
from ..models import PioneerPost, ResponsibilityZone
from ..tables import PostTable, ZoneTable


class PostListView(ObjectListView):
    model = PioneerPost
    table_class = PostTable
    filterset_class = PostFilterSet
    title = gettext_lazy("Pioneer posts")
    add_url = reverse_lazy("duty:post-add")

    def get_queryset(self):
        return super().get_queryset().select_related("area").prefetch_related("holders", "person_holders")


class PostView(ObjectDetailView):
    model = PioneerPost
    template_name = "duty/holding_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_change=self.user_can(Action.CHANGE, self.object),
            edit_url=reverse("duty:post-edit", args=[self.object.pk]),
            delete_url=reverse("duty:post-delete", args=[self.object.pk]),
            **kwargs,
        )


class HoldingEditView(ObjectEditView):
    """A post or zone is saved with its members (party members only) by ``services.save_holding``."""

    list_url = None

    def get_initial(self):
        """``?area=`` (from the area's duty page) chooses the area, and so the party members offered."""
        code = self.request.GET.get("area", "")[:20]
        area = Area.objects.restrict(self.request.user).filter(code=code).first() if code else None
        return {"area": area} if area else {}

    def save(self, form):
        return services.save_holding(form.instance, **form.related())

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        meta = self.model._meta
        title = (
            _("Edit %(name)s") % {"name": self.object}
            if self.object.pk
            else _("New %(kind)s") % {"kind": meta.verbose_name}
        )
        return super().get_context_data(title=title, cancel_url=reverse(self.list_url), **kwargs)


class PostEditView(HoldingEditView):
    model = PioneerPost
    form_class = PostForm
    list_url = "duty:post-list"


class PostDeleteView(ObjectDeleteView):
    model = PioneerPost
    success_url = reverse_lazy("duty:post-list")


class ZoneListView(ObjectListView):
    model = ResponsibilityZone
    table_class = ZoneTable
    filterset_class = ZoneFilterSet
    title = gettext_lazy("Responsibility zones")
    add_url = reverse_lazy("duty:zone-add")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("area")
            .prefetch_related("grids__parent", "households", "holders", "person_holders")
        )


class ZoneView(PostView):
    model = ResponsibilityZone

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            edit_url=reverse("duty:zone-edit", args=[self.object.pk]),
            delete_url=reverse("duty:zone-delete", args=[self.object.pk]),
        )
        return context


class ZoneEditView(HoldingEditView):
    model = ResponsibilityZone
    form_class = ZoneForm
    list_url = "duty:zone-list"


class ZoneDeleteView(ObjectDeleteView):
    model = ResponsibilityZone
    success_url = reverse_lazy("duty:zone-list")


class MineView(ScopedViewMixin, TemplateView):
    """The signed-in user's own page: the shifts they are on now, hand-overs waiting for them, the posts and
    zones they hold, and the households they look after (包组联户, the register's responsible person)."""

    template_name = "duty/mine.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            title=_("My duty and posts"),
            shifts=services.shifts_of(user),
            handovers=services.pending_handovers(user),
            posts=PioneerPost.objects.filter(holders=user).select_related("area"),
            zones=ResponsibilityZone.objects.filter(holders=user).select_related("area"),
            households=Household.objects.restrict(user).filter(responsible=user).select_related("area__parent")[:200],
            **kwargs,
        )


class PersonHoldingsView(ScopedViewMixin, TemplateView):
    """What a registered party member holds: posts and zones."""

    model = Person
    template_name = "duty/person_holdings.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        person = get_object_in_scope_or_404(Person, user, pk=self.kwargs["pk"])
        return super().get_context_data(
            title=_("Posts and zones of %(name)s") % {"name": person},
            person=person,
            posts=PioneerPost.objects.restrict(user).filter(person_holders=person).select_related("area"),
            zones=ResponsibilityZone.objects.restrict(user).filter(person_holders=person).select_related("area"),
            **kwargs,
        )


urlpatterns = [
    path("posts/", PostListView.as_view(), name="post-list"),
    path("posts/add/", PostEditView.as_view(), name="post-add"),
    path("posts/<int:pk>/", PostView.as_view(), name="post"),
    path("posts/<int:pk>/edit/", PostEditView.as_view(), name="post-edit"),
    path("posts/<int:pk>/delete/", PostDeleteView.as_view(), name="post-delete"),
    path("zones/", ZoneListView.as_view(), name="zone-list"),
    path("zones/add/", ZoneEditView.as_view(), name="zone-add"),
    path("zones/<int:pk>/", ZoneView.as_view(), name="zone"),
    path("zones/<int:pk>/edit/", ZoneEditView.as_view(), name="zone-edit"),
    path("zones/<int:pk>/delete/", ZoneDeleteView.as_view(), name="zone-delete"),
    path("mine/", MineView.as_view(), name="mine"),
    path("people/<int:pk>/", PersonHoldingsView.as_view(), name="person-holdings"),
]
