from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import throttle


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    throttle.register_failure(credentials.get("username", ""), throttle.client_address(request))


@receiver(user_logged_in)
def reset_failures(sender, request, user, **kwargs):
    throttle.clear(user.get_username())
