from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from fangkong.core.api import ScopedViewSet

from . import services
from .filters import AreaFilterSet
from .models import Area


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all(), required=False)
    parent_name = serializers.CharField(source="parent.short_name", read_only=True, default="")

    class Meta:
        model = Area
        fields = ["code", "name", "short_name", "level", "parent", "parent_name", "path", "is_special", "retired_on"]
        read_only_fields = ["code", "short_name", "level", "path", "is_special", "retired_on"]

    def validate_parent(self, parent):
        request = self.context["request"]
        if not Area.objects.restrict(request.user).filter(pk=parent.pk).exists():
            raise serializers.ValidationError(_("No area with code %(code)s in your scope.") % {"code": parent.code})
        if parent.level != Area.Level.VILLAGE:
            raise serializers.ValidationError(_("Grids belong to a village or community."))
        return parent

    def validate(self, data):
        if self.instance is None and "parent" not in data:
            raise serializers.ValidationError({"parent": [_("The village code of the new grid is required.")]})
        if self.instance is not None and self.instance.level != Area.Level.GRID:
            raise serializers.ValidationError(
                {"name": [_("Only grids are renamed here; divisions come from the division import.")]}
            )
        village = self.instance.parent if self.instance is not None else data["parent"]
        taken = Area.objects.active().filter(parent=village, level=Area.Level.GRID, name=data.get("name"))
        if "name" in data and taken.exclude(pk=getattr(self.instance, "pk", None)).exists():
            # The rule of the web form (GridForm.clean_name), with its message.
            raise serializers.ValidationError(
                {"name": [_("This village already has a grid called %(name)s.") % {"name": data["name"]}]}
            )
        return data

    def create(self, validated_data):
        try:
            return services.create_grid(validated_data["parent"], validated_data["name"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"parent": error.messages}
            ) from error

    def update(self, instance, validated_data):
        validated_data.pop("parent", None)
        return super().update(instance, validated_data)


class AreaViewSet(ScopedViewSet):
    """Areas by code. Grids can be added (POST with parent = village code) and renamed (PATCH name)."""

    queryset = Area.objects.select_related("parent")
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    lookup_field = "code"
    http_method_names = ["get", "post", "patch", "head", "options"]
