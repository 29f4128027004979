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


@register.filter
def may_transfer(user):
    from fangkong.health.models import Transfer

    return scope.can(user, Action.ADD, Transfer)


@register.filter
def may_report_case(user):
    from fangkong.health.models import Case

    return scope.can(user, Action.ADD, Case)


@register.filter
def may_sample(user):
    from fangkong.health.models import Sample

    return scope.can(user, Action.ADD, Sample)
