import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import scope
from .roles import DEFAULT_ROLES_BY_ACTION, MANAGERS, Action


class ByteOrderCharField(models.CharField):
    """Text compared in byte order ("C" collation on PostgreSQL, SQLite's default), so that a prefix
    search is an index range scan on both databases (see ``prefix_q``)."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class PathField(ByteOrderCharField):
    """A materialised area path."""


def prefix_q(lookup, prefix):
    """Values starting with ``prefix``, as a range [prefix, prefix with its last character raised)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return models.Q(**{f"{lookup}__gte": prefix, f"{lookup}__lt": upper})


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Only the rows the user may act on; every read and write path goes through here."""
        return scope.restrict(self, user, action)

    def within(self, area):
        """The rows filed under the area or below it (a filter, not a permission: see ``restrict``)."""
        return scope.within(self, area.path)


def fingerprint(value):
    """A short digest standing in for a secret in the change log: shows that it changed, not what it is."""
    return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:12] if value else value


JSON_SCALARS = (str, int, float, type(None))  # bool is an int
_encoder = DjangoJSONEncoder()


def json_ready(value):
    """The value as it reads back from JSON: dates and times as ISO text, decimals and UUIDs as text."""
    if isinstance(value, JSON_SCALARS):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return _encoder.default(value)


def snapshot(instance, values=None):
    """The instance's concrete field values (or the given ones, in field order) as JSON-ready data."""
    fields = instance._meta.concrete_fields
    if values is None:
        values = [field.value_from_object(instance) for field in fields]
    data = {}
    for field, value in zip(fields, values, strict=True):
        if field.attname in instance.changelog_exclude:
            continue
        data[field.attname] = json_ready(
            fingerprint(value) if field.attname in instance.changelog_fingerprint else value
        )
    return data


class ChangeLoggedMixin:
    """Keeps the values a row was loaded with, so a save can log exactly what changed."""

    changelog_exclude = frozenset({"created", "last_updated"})
    # Secrets logged as a fingerprint, so that setting them is audited without revealing them.
    changelog_fingerprint = frozenset()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if len(field_names) == len(cls._meta.concrete_fields):
            # Kept raw: lists load many rows and save few, so the snapshot is built only on a save.
            instance._loaded_values = values
        return instance

    def loaded_snapshot(self):
        """The values as last loaded or saved, or None for a row not read whole from the database."""
        if "_loaded_snapshot" not in self.__dict__:
            values = self.__dict__.get("_loaded_values")
            self._loaded_snapshot = None if values is None else snapshot(self, values)
        return self._loaded_snapshot

    def get_scope_path(self):
        """The area path this record belongs to: who may read its change log. Empty: administrators only."""
        return ""


class BaseModel(ChangeLoggedMixin, models.Model):
    """A record that hangs from an area: scoped, change-logged, timestamped."""

    created = models.DateTimeField(_("created at"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    # The lookup from this model to the path of the area it hangs from.
    scope_lookup = "area__path"
    scope_spans_many = False
    # The form/API field named in the error when a save would leave the user's scope.
    scope_form_field = "area"
    roles_by_action = DEFAULT_ROLES_BY_ACTION

    class Meta:
        abstract = True

    def get_scope_path(self):
        return self.area.path


class AreaRecord(BaseModel):
    """A record filed under a grid or village, carrying a copy of the area's path so the scope
    filter is one index range scan on the record's own table (areas never move, so it stays true)."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    area_path = PathField(_("area path"), max_length=255, editable=False)

    scope_lookup = "area_path"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    def get_scope_path(self):
        return self.area_path


class ChangeLogEntry(models.Model):
    class Kind(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, db_index=True)
    source = models.CharField(_("source"), max_length=16)
    kind = models.CharField(_("action"), max_length=8, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.PROTECT)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    area_path = PathField(_("area path"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = "area_path"
    scope_spans_many = False
    roles_by_action = {Action.VIEW: MANAGERS}

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["area_path", "time"]), models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_repr}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("changelog-entry", args=[self.pk])

    def changed_fields(self):
        """(field, before, after) for every value that differs."""
        before, after = self.before or {}, self.after or {}
        return [
            (name, before.get(name), after.get(name))
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        ]


class Job(models.Model):
    """Long work done in the background (an import, an export) for one user, with its progress.

    ``fangkong.core.jobs`` runs it; a job is its user's own: anyone else gets 404.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    created = models.DateTimeField(_("created at"), auto_now_add=True)
    started = models.DateTimeField(_("started at"), null=True, blank=True)
    finished = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "created"]), models.Index(fields=["status", "heartbeat"])]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("job", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in self.FINISHED


class Notification(models.Model):
    """A notice in a user's in-app inbox: a job finished, a fever was reported... ``kind`` tells which."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    link = models.CharField(_("link"), max_length=500, blank=True)
    read = models.BooleanField(_("read"), default=False)
    created = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "read", "created"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.title
