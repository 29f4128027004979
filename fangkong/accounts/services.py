from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import Membership, User


@transaction.atomic
def create_user(*, username, password, area, role, full_name="", phone=""):
    """A new account always comes with its first membership: an account without one sees nothing."""
    user = User(username=username, full_name=full_name, phone=phone)
    user.set_password(password)
    # Lets the change log file the new account under the area it is created for.
    user._memberships_cache = [(role, area.path)]
    user.save()
    Membership.objects.create(user=user, area=area, role=role)
    user.forget_memberships()
    return user


def set_language(user, language):
    """The language the user's alerts and notices are written in."""
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def issue_token(user):
    """A fresh API token; the old one stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
