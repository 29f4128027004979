import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable

from .models import User


class UserTable(BaseTable):
    username = tables.Column(verbose_name=_("User name"), linkify=True)
    full_name = tables.Column(verbose_name=_("Full name"))
    phone = tables.Column(verbose_name=_("Phone"))
    roles = tables.Column(verbose_name=_("Roles"), empty_values=(), orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta(BaseTable.Meta):
        model = User
        fields = ("username", "full_name", "phone", "roles", "is_active")

    def render_roles(self, record):
        return "; ".join(f"{m.get_role_display()} {m.area}" for m in record.memberships.all())
