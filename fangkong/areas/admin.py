from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "is_special", "retired_on")
    list_filter = ("level", "is_special")
    search_fields = ("code", "name", "initials", "pinyin")
    readonly_fields = ("path", "short_name", "pinyin", "initials")
    raw_id_fields = ("parent",)
