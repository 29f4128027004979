"""Template filters of help for households in difficulty, for the register's household page."""

from django import template

from fangkong.core import scope
from fangkong.core.roles import Action

register = template.Library()


@register.filter
def may_raise_need(user, area_path):
    from fangkong.community.models import Need

    return scope.can(user, Action.ADD, Need, area_path)
