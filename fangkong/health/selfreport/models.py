"""A household's self-report link: the token behind the QR code on the household's door."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import ChangeLoggedMixin
from fangkong.people.models import Household


class HouseholdLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class HouseholdLink(ChangeLoggedMixin, models.Model):
    """The token of a household's self-report page (/r/<token>/), printed as a QR code.

    The token is stored as it is, not hashed: the QR sheet of a grid is printed again and again from
    the stored links, and the page it opens shows first names only and takes temperatures. Revoking
    it (a lost or photographed sheet) is the remedy; the change log keeps a fingerprint, never the token."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="self_report_links"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = HouseholdLinkQuerySet.as_manager()
    changelog_fingerprint = frozenset({"token"})

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(revoked_at__isnull=True), name="one_active_link_per_household"
            )
        ]
        verbose_name = _("self-report link")
        verbose_name_plural = _("self-report links")

    def __str__(self):
        return f"{self.household} {self.created:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(16)  # 128 bits: not guessable, short enough for a small QR
        super().save(*args, **kwargs)

    def get_scope_path(self):
        return self.household.area_path

    def get_public_url(self):
        return reverse("self-report", args=[self.token])
