"""The navigation's badge of open alerts."""

from django import template

from fangkong.core.jobs import UNREAD_SHOWN

register = template.Library()


@register.simple_tag(takes_context=True)
def open_alerts(context):
    """Open alerts in the user's scope, up to UNREAD_SHOWN + 1 (the badge shows "99+" past it), read
    once per request."""
    from fangkong.health.models import Alert

    request = context["request"]
    if not hasattr(request, "_open_alerts"):
        alerts = Alert.objects.restrict(request.user).filter(status=Alert.Status.OPEN).values_list("pk", flat=True)
        request._open_alerts = len(alerts[: UNREAD_SHOWN + 1])
    return request._open_alerts


@register.simple_tag
def alert_preference(user):
    """The user's choice of alerts outside the app, or the defaults."""
    from fangkong.health.models import AlertPreference

    return AlertPreference.objects.filter(user=user).first() or AlertPreference(user=user)
