from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from fangkong.areas.models import Area

from .models import Membership, User, forget_area_lookups, forget_memberships_of, forget_token


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, **kwargs):
    """Every process sees a granted or withdrawn role at its next request (see memberships_cached)."""
    forget_memberships_of(instance.user_id)


@receiver(post_save, sender=User)
def account_changed(sender, instance, created, update_fields=None, **kwargs):
    # A deactivated or demoted account loses its cached roles and look-ups with the change (a login's
    # save of last_login alone keeps them).
    if not created and (update_fields is None or {"is_active", "is_superuser"} & set(update_fields)):
        forget_memberships_of(instance.pk)


@receiver(post_save, sender=Area)
@receiver(post_delete, sender=Area)
def area_changed(sender, **kwargs):
    forget_area_lookups()


@receiver(post_delete, sender=Token)
def token_deleted(sender, instance, **kwargs):
    forget_token(instance.key)
