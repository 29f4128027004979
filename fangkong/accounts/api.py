from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.api import ScopedViewSet
from fangkong.core.roles import Action, Role
from fangkong.core.serializers import ModelSerializer, PrimaryKeyRelatedField

from . import services
from .filters import MembershipFilterSet, UserFilterSet
from .models import Membership, User, grantable_roles


class MembershipSerializer(ModelSerializer):
    user = PrimaryKeyRelatedField(queryset=User.objects.all())
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.active())

    class Meta:
        model = Membership
        fields = ["id", "user", "area", "role"]
        validators = []  # the duplicate is refused in validate(), naming the field

    def validate(self, data):
        user = self.context["request"].user
        if not User.objects.restrict(user).filter(pk=data["user"].pk).exists():
            raise serializers.ValidationError({"user": [_("No such user in your scope.")]})
        check_grant(user, data["area"], data["role"])
        if Membership.objects.filter(user=data["user"], area=data["area"], role=data["role"]).exists():
            raise serializers.ValidationError({"role": [_("This person already has this role here.")]})
        return data


def check_grant(user, area, role):
    if not scope.can(user, Action.ADD, Membership, area.path):
        raise serializers.ValidationError({"area": [_("You can only grant roles inside your own area.")]})
    if role not in dict(grantable_roles(user)):
        raise serializers.ValidationError({"role": [_("You may not grant this role.")]})


class UserMembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    area = serializers.CharField(help_text="Area code")
    role = serializers.ChoiceField(choices=Role.choices)


class UserSerializer(ModelSerializer):
    memberships = serializers.SerializerMethodField()
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    area = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Area.objects.active(),
        write_only=True,
        required=False,
        help_text="Area code of the first membership (on create)",
    )
    role = serializers.CharField(write_only=True, required=False, help_text="Role of the first membership (on create)")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "phone",
            "party_member",
            "language",
            "is_active",
            "memberships",
            "password",
            "area",
            "role",
        ]
        read_only_fields = ["id"]

    @extend_schema_field(UserMembershipSerializer(many=True))
    def get_memberships(self, user):
        visible = Membership.objects.restrict(self.context["request"].user).filter(user=user).select_related("area")
        return [{"id": m.id, "area": m.area.code, "role": m.role} for m in visible]

    def validate_password(self, value):
        password_validation.validate_password(value, self.instance)
        return value

    def validate(self, data):
        if self.instance is None:
            missing = [name for name in ("password", "area", "role") if not data.get(name)]
            if missing:
                raise serializers.ValidationError({name: [_("This field is required.")] for name in missing})
            check_grant(self.context["request"].user, data["area"], data["role"])
        elif "username" in data and data["username"] != self.instance.username:
            raise serializers.ValidationError({"username": [_("User names cannot be changed.")]})
        return data

    def create(self, validated_data):
        validated_data.pop("is_active", None)
        return services.create_user(**validated_data)

    def update(self, instance, validated_data):
        for name in ("area", "role"):
            validated_data.pop(name, None)
        password = validated_data.pop("password", None)
        if password:
            instance.set_password(password)
        return super().update(instance, validated_data)


class UserViewSet(ScopedViewSet):
    queryset = User.objects.prefetch_related("memberships")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]


class MembershipViewSet(ScopedViewSet):
    queryset = Membership.objects.select_related("area")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]


class MyMembershipSerializer(serializers.Serializer):
    area = serializers.CharField(help_text="Area code")
    area_name = serializers.CharField()
    level = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text="The language of the user's alerts and notices."
    )
    is_superuser = serializers.BooleanField()
    memberships = MyMembershipSerializer(many=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The logged-in user and their memberships (role over an area's subtree)."""
    user = request.user
    return Response(
        {
            "id": user.pk,
            "username": user.username,
            "full_name": user.full_name,
            "language": user.language,
            "is_superuser": user.is_superuser,
            "memberships": [
                {"area": m.area.code, "area_name": m.area.name, "level": m.area.level, "role": m.role}
                for m in user.memberships.select_related("area").order_by("area__path")
            ],
        }
    )
