import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet
from fangkong.core.roles import Role

from .models import Membership, User


class UserFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, field_name="memberships__role", distinct=True
    )
    within = AreaFilter(label=_("Within"), lookup="memberships__area__path", distinct=True)

    class Meta:
        model = User
        fields = ["q", "role", "within", "is_active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value) | Q(phone__contains=value))


class MembershipFilterSet(BaseFilterSet):
    user = django_filters.NumberFilter(field_name="user_id")
    role = django_filters.ChoiceFilter(choices=Role.choices)
    area = django_filters.CharFilter(field_name="area__code")

    class Meta:
        model = Membership
        fields = ["user", "role", "area"]
