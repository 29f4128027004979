from rest_framework import serializers

from .api import ScopedViewSet
from .changelog_views import ChangeLogFilterSet
from .models import ChangeLogEntry
from .serializers import ModelSerializer


class ChangeLogEntrySerializer(ModelSerializer):
    content_type = serializers.SerializerMethodField()

    class Meta:
        model = ChangeLogEntry
        fields = [
            "id",
            "time",
            "user_name",
            "request_id",
            "source",
            "kind",
            "content_type",
            "object_id",
            "object_repr",
            "area_path",
            "before",
            "after",
        ]

    def get_content_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


class ChangeLogViewSet(ScopedViewSet):
    queryset = ChangeLogEntry.objects.select_related("content_type")
    serializer_class = ChangeLogEntrySerializer
    filterset_class = ChangeLogFilterSet
    http_method_names = ["get", "head", "options"]
    exact_count = False  # core.pagination: look one row ahead, no COUNT(*)
