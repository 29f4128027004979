"""Pages of isolation sites: the list with occupancy, a site's rooms and occupants, adding and
editing a site with its rooms, and moving an observation to another site or room."""

from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.roles import Action
from fangkong.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from ..models import Episode
from . import services
from .filters import SiteFilterSet
from .forms import MoveSiteForm, RoomFormSet, SiteForm, rooms_of
from .models import Site
from .tables import SiteTable


class SiteListView(ObjectListView):
    model = Site
    table_class = SiteTable
    filterset_class = SiteFilterSet
    title = gettext_lazy("Isolation sites")
    add_url = reverse_lazy("health:site-add")
    empty_text = gettext_lazy("No isolation site serves this area yet.")

    def get_queryset(self):
        return super().get_queryset().with_occupancy().select_related("area__parent")


class SiteView(ObjectDetailView):
    """A site's rooms with their occupants and free beds. Occupants the user may see link to their
    episode; others (from another part of the site's area) show the masked ID number only."""

    model = Site
    template_name = "health/site_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_occupancy().select_related("area__parent")

    def get_context_data(self, **kwargs):
        site = self.object
        occupants = list(
            site.episodes.filter(ended_on__isnull=True).select_related("person").order_by("person__name", "pk")
        )
        visible = set(
            Episode.objects.restrict(self.request.user)
            .filter(pk__in=[e.pk for e in occupants])
            .values_list("pk", flat=True)
        )
        for episode in occupants:
            episode.visible = episode.pk in visible
        rooms = list(site.rooms.with_occupancy())
        for room in rooms:
            room.occupants = [episode for episode in occupants if episode.room_id == room.pk]
            room.free_beds = room.capacity - room.occupied
        return super().get_context_data(
            title=str(site),
            rooms=rooms,
            unassigned=[episode for episode in occupants if episode.room_id is None],
            can_change=self.user_can(Action.CHANGE, site),
            **kwargs,
        )


class SiteEditView(ObjectEditView):
    """Add or edit a site and its rooms on one page (rooms left blank are ignored)."""

    model = Site
    form_class = SiteForm
    template_name = "health/site_form.html"
    rooms = None

    def room_formset(self):
        if self.rooms is None:
            initial = [
                {"id": room.pk, "label": room.label, "floor": room.floor, "capacity": room.capacity}
                for room in (self.object.rooms.all() if self.object.pk else [])
            ]
            data = self.request.POST if self.request.method == "POST" else None
            self.rooms = RoomFormSet(data, initial=initial, prefix="rooms")
        return self.rooms

    def form_valid(self, form):
        if not self.room_formset().is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def save(self, form):
        return services.save_site(form.instance, rooms_of(self.room_formset()))

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        site = self.object
        return super().get_context_data(
            title=_("Edit %(name)s") % {"name": site} if site.pk else _("New isolation site"),
            cancel_url=site.get_absolute_url() if site.pk else reverse("health:site-list"),
            rooms=self.room_formset(),
            **kwargs,
        )


class EpisodeMoveSiteView(ObjectEditView):
    """Move a centralised observation to another site or room, with a reason."""

    model = Episode
    form_class = MoveSiteForm
    template_name = "health/episode_move_site.html"

    def save(self, form):
        data = form.cleaned_data
        return services.move(self.object, data["site"], data["room"], data["place_change_reason"], data["version"])

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Move %(name)s to another site or room") % {"name": self.object.person},
            cancel_url=self.object.get_absolute_url(),
            **kwargs,
        )


urlpatterns = [
    path("sites/", SiteListView.as_view(), name="site-list"),
    path("sites/add/", SiteEditView.as_view(), name="site-add"),
    path("sites/<int:pk>/", SiteView.as_view(), name="site"),
    path("sites/<int:pk>/edit/", SiteEditView.as_view(), name="site-edit"),
    path("episodes/<int:pk>/move/", EpisodeMoveSiteView.as_view(), name="episode-move-site"),
]
