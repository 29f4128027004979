"""What the register's pages ask of observation, without a query: whether the user may open one."""

from django import template

from fangkong.core import scope
from fangkong.core.roles import Action

register = template.Library()


@register.filter
def may_open_observation(user):
    from fangkong.health.models import Episode

    return scope.can(user, Action.ADD, Episode)
