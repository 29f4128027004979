import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import BaseFilterSet
from fangkong.core.roles import Role

from .models import Membership, User


class UserFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, field_name="memberships__role", distinct=True
    )
    within = django_filters.CharFilter(label=_("Within (area code)"), method="filter_within")

    class Meta:
        model = User
        fields = ["q", "role", "within", "is_active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value) | Q(phone__contains=value))

    def filter_within(self, queryset, name, value):
        from fangkong.areas.models import Area

        area = Area.objects.filter(code=value).first()
        if area is None:
            return queryset.none()
        return queryset.within(area)


class MembershipFilterSet(BaseFilterSet):
    user = django_filters.NumberFilter(field_name="user_id")
    role = django_filters.ChoiceFilter(choices=Role.choices)
    area = django_filters.CharFilter(field_name="area__code")

    class Meta:
        model = Membership
        fields = ["user", "role", "area"]
