from django.contrib.auth import get_user_model

from . import jobs, scope
from .models import ChangeLogEntry
from .roles import Action


def navigation(request):
    """Which menu entries the user can use at all, and how many notices wait in the inbox."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "inbox_unread": jobs.unread_count(user),
        "perms_nav": {
            "users": scope.can(user, Action.VIEW, get_user_model()),
            "changelog": scope.can(user, Action.VIEW, ChangeLogEntry),
        }
    }
