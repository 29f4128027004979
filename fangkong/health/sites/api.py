"""/api/sites/: isolation sites with their rooms nested; occupancy is read-only, derived from the
open episodes placed there."""

from django.db.models import Prefetch
from rest_framework import serializers

from fangkong.areas.models import Area
from fangkong.core.api import ScopedViewSet
from fangkong.core.fields import PhoneSerializerField
from fangkong.core.serializers import ModelSerializer

from . import services
from .filters import SiteFilterSet
from .models import Room, Site


class RoomSerializer(ModelSerializer):
    id = serializers.IntegerField(
        required=False, allow_null=True, help_text="A room of the site to keep; leave it out for a new room."
    )
    occupied = serializers.IntegerField(read_only=True, help_text="Open observations placed in the room.")

    class Meta:
        model = Room
        fields = ["id", "label", "floor", "capacity", "occupied"]


class SiteSerializer(ModelSerializer):
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.all(), help_text="The code of the area running the site."
    )
    phone = PhoneSerializerField()
    rooms = RoomSerializer(
        many=True,
        required=False,
        help_text="Sent, it replaces the site's rooms: those with an id are kept and changed, those without "
        "are added, the others removed (refused for a room that has held anyone).",
    )
    capacity = serializers.IntegerField(read_only=True, help_text="The rooms' beds.")
    occupied = serializers.IntegerField(read_only=True, help_text="Open observations placed in the site.")
    free_beds = serializers.IntegerField(read_only=True)
    rooms_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "kind",
            "area",
            "address",
            "contact",
            "phone",
            "active",
            "capacity",
            "occupied",
            "free_beds",
            "rooms_count",
            "rooms",
        ]

    def save_site(self, site, data):
        rooms = data.pop("rooms", None)
        for name, value in data.items():
            setattr(site, name, value)
        services.save_site(site, rooms)
        return annotated(Site.objects).get(pk=site.pk)

    def create(self, validated_data):
        return self.save_site(Site(), validated_data)

    def update(self, instance, validated_data):
        return self.save_site(instance, validated_data)


def annotated(queryset):
    return queryset.with_occupancy().prefetch_related(Prefetch("rooms", queryset=Room.objects.with_occupancy()))


class SiteViewSet(ScopedViewSet):
    """Isolation sites (集中隔离点) with their rooms and occupancy. Filters: q (name), area (code,
    subtree), kind, has_free_beds, active. A site serves its whole area: everyone under it reads it."""

    queryset = Site.objects.select_related("area").order_by("pk")
    serializer_class = SiteSerializer
    filterset_class = SiteFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return annotated(super().get_queryset())


def register(router):
    router.register("sites", SiteViewSet, basename="site")
