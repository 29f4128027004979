"""What the register's pages ask of observation, without a query: whether the user may open one."""

from django import template

from fangkong.core import scope
from fangkong.core.roles import Action

register = template.Library()


@register.filter
def may_open_observation(user):
    from fangkong.health.models import Episode

    return scope.can(user, Action.ADD, Episode)


@register.filter
def may_manage_self_report(user, area_path):
    """Whether the user issues and revokes self-report links in the area (the household page, the grid page)."""
    from fangkong.health.selfreport.views import may_manage_links

    return may_manage_links(user, area_path)
