from django.contrib.auth import get_user_model
from django.utils.functional import SimpleLazyObject

from . import jobs, scope
from .models import ChangeLogEntry
from .roles import Action


def navigation(request):
    """Which menu entries the user can use at all, and how many notices wait in the inbox."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "inbox_unread": inbox_unread(request),
        "perms_nav": {
            "users": scope.can(user, Action.VIEW, get_user_model()),
            "changelog": scope.can(user, Action.VIEW, ChangeLogEntry),
        },
    }


def inbox_unread(request):
    """The inbox badge's count, read when a template shows it and then kept for the request: a table
    rendered with the request (django-tables2) runs the context processors again, and an htmx
    partial usually shows no badge."""
    if not hasattr(request, "_inbox_unread"):
        request._inbox_unread = SimpleLazyObject(lambda: jobs.unread_count(request.user))
    return request._inbox_unread
