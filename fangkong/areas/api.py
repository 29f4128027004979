from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from fangkong.core.api import ScopedViewSet, django_errors
from fangkong.core.serializers import ModelSerializer

from . import services
from .filters import AreaFilterSet, DivisionFilterSet, RiskAreaFilterSet
from .models import Area, Division, RiskArea


class AreaSerializer(ModelSerializer):
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


class DivisionCodeField(serializers.SlugRelatedField):
    """A division by its code; only the given levels are accepted."""

    def __init__(self, levels=(Division.Level.COUNTY,), **kwargs):
        self.levels = tuple(levels)
        super().__init__(slug_field="code", queryset=Division.objects.all(), **kwargs)

    def to_internal_value(self, data):
        try:
            return Division.by_code(str(data).strip(), self.levels)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class DivisionSerializer(ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Division
        fields = ["code", "name", "full_name", "level", "parent"]


class DivisionViewSet(ScopedViewSet):
    """The national division list to county, by code. Filters: q (name, initials, code prefix), level."""

    queryset = Division.objects.select_related("parent")
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilterSet
    lookup_field = "code"
    http_method_names = ["get", "head", "options"]


class RiskAreaSerializer(ModelSerializer):
    division = DivisionCodeField(levels=Division.Level.values, help_text="Province, prefecture or county code.")
    division_name = serializers.CharField(source="division.full_name", read_only=True)

    class Meta:
        model = RiskArea
        fields = ["id", "division", "division_name", "level", "valid_from", "valid_until", "note"]

    def validate(self, data):
        instance = RiskArea(**{**self._current(), **data})
        try:
            instance.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(django_errors(error)) from error
        return data

    def create(self, validated_data):
        """Saved through the service, so arrivals registered before it was declared are flagged too."""
        risk_area = RiskArea(**validated_data)
        services.save_risk_area(risk_area)
        return risk_area

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        services.save_risk_area(instance)
        return instance

    def _current(self):
        if self.instance is None:
            return {}
        return {field: getattr(self.instance, field) for field in ("division", "level", "valid_from", "valid_until")}


class RiskAreaViewSet(ScopedViewSet):
    """Risk areas with their validity dates; everyone reads, commanders write. Filters: q, in_force_on, level."""

    queryset = RiskArea.objects.select_related("division")
    serializer_class = RiskAreaSerializer
    filterset_class = RiskAreaFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
