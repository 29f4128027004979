from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ("area",)
    extra = 0


@admin.register(User)
class FangkongUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "phone", "is_active", "is_superuser")
    fieldsets = (*UserAdmin.fieldsets, ("Fangkong", {"fields": ("full_name", "phone", "language")}))
    inlines = [MembershipInline]
