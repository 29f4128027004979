from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class OutOfScope(ValidationError):
    pass


def save_in_scope(user, action, save):
    """Run ``save`` (which returns the saved object) in a transaction; undo it if the object would
    end up outside the user's scope, so nobody moves a record out of their own area."""
    with transaction.atomic():
        obj = save()
        model = type(obj)
        if not model.objects.restrict(user, action).filter(pk=obj.pk).exists():
            raise OutOfScope({model.scope_form_field: _("You cannot put a record outside your own area.")})
    return obj
