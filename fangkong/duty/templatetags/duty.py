from django import template

from fangkong.duty.tables import hours as hours_of

register = template.Library()


@register.filter
def hours(minutes):
    """Minutes worked, as hours with one decimal: 90 -> 1.5."""
    return hours_of(minutes)
