"""Checkpoints (卡口), their shifts, the vehicles and people passing them, and the hand-over (闭环交接)
of each person let through to a village of the city."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import Area
from fangkong.core import crypto, scope
from fangkong.core.models import AreaRecord, PathField, RestrictedQuerySet
from fangkong.core.roles import ALL_ROLES, MANAGERS, Action, Role, writable_by
from fangkong.health.models import HIGHEST_TEMPERATURE, LOWEST_TEMPERATURE

# The levels a checkpoint is filed under: the county or town that runs it.
CHECKPOINT_LEVELS = [Area.Level.COUNTY, Area.Level.TOWN]


class Checkpoint(AreaRecord):
    """A checkpoint (卡口/检测点) run by a county or town: a toll station, a road, a station."""

    class Kind(models.TextChoices):
        TOLL_STATION = "toll_station", _("toll station")
        ROAD = "road", _("road")
        STATION = "station", _("station")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ROAD)
    road = models.CharField(_("road"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    hours = models.CharField(_("hours"), max_length=100, blank=True, help_text=_("For example 24 小时 or 7:00–22:00."))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["area_path", "name"]
        indexes = [models.Index(fields=["area_path", "name"])]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("checkpoints:checkpoint", args=[self.pk])


class CheckpointShift(AreaRecord):
    """A shift at a checkpoint and the staff on it; filed under the checkpoint's area."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"), related_name="checkpoint_shifts")
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_form_field = "checkpoint"

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["area_path", "starts_at"])]
        verbose_name = _("checkpoint shift")
        verbose_name_plural = _("checkpoint shifts")

    def __str__(self):
        if not (self.checkpoint_id and self.starts_at and self.ends_at):
            return str(self._meta.verbose_name)  # a new one, on its add form
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{self.checkpoint} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    def get_absolute_url(self):
        return reverse("checkpoints:shift-edit", args=[self.pk])

    def save(self, *args, **kwargs):
        self.area = self.checkpoint.area
        super().save(*args, **kwargs)


class Passage(AreaRecord):
    """A vehicle stopped at a checkpoint, with its people; filed under the checkpoint's area.

    One passage per client key (a retried POST), and one per plate at a checkpoint within
    CHECKPOINTS_DUPLICATE_MINUTES (two staff registering the same car)."""

    class VehicleKind(models.TextChoices):
        CAR = "car", _("car")
        COACH = "coach", _("coach")
        TRUCK = "truck", _("truck")
        MOTORCYCLE = "motorcycle", _("motorcycle")
        OTHER = "other", _("other")

    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="passages"
    )
    passed_at = models.DateTimeField(_("time"), default=timezone.now)
    plate = models.CharField(_("plate"), max_length=20)
    vehicle_kind = models.CharField(_("vehicle"), max_length=12, choices=VehicleKind.choices, default=VehicleKind.CAR)
    origin = models.ForeignKey(
        "areas.Division", verbose_name=_("coming from"), on_delete=models.PROTECT, related_name="+"
    )
    heading_to = models.CharField(_("heading to"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    # Checkpoint staff register passages; managers correct them.
    roles_by_action = writable_by(Role.CHECKPOINT)
    scope_form_field = "checkpoint"

    class Meta:
        ordering = ["-passed_at", "-id"]
        indexes = [
            models.Index(fields=["area_path", "passed_at"]),
            models.Index(fields=["checkpoint", "plate", "passed_at"]),
        ]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")

    def __str__(self):
        return f"{self.plate} {timezone.localtime(self.passed_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("checkpoints:passage", args=[self.pk])


class Traveller(AreaRecord):
    """A person in a passage (one row of the car): filed under the checkpoint's area, like the passage.

    The ID number is kept encrypted and shown masked to everyone (the register's rules, docs/privacy.md):
    the checkpoint passes it on to the register when the village accepts the hand-over."""

    class Decision(models.TextChoices):
        LET_THROUGH = "let_through", _("let through")
        TURNED_BACK = "turned_back", _("turned back")

    passage = models.ForeignKey(Passage, verbose_name=_("passage"), on_delete=models.CASCADE, related_name="travellers")
    name = models.CharField(_("name"), max_length=50)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    origin = models.ForeignKey(
        "areas.Division", verbose_name=_("coming from"), on_delete=models.PROTECT, related_name="+"
    )
    destination = models.ForeignKey(
        "areas.Area",
        verbose_name=_("destination village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where someone bound outside the city goes, as told: the command passes them on.
    destination_text = models.CharField(_("destination outside the city"), max_length=100, blank=True)
    temperature = models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(LOWEST_TEMPERATURE), MaxValueValidator(HIGHEST_TEMPERATURE)],
    )
    fever = models.BooleanField(_("fever"), default=False, editable=False)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, default=Decision.LET_THROUGH)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    roles_by_action = Passage.roles_by_action
    changelog_fingerprint = frozenset({"id_number_encrypted"})

    class Meta:
        ordering = ["-passage__passed_at", "pk"]
        indexes = [models.Index(fields=["area_path", "created"])]
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.passage.get_absolute_url()

    @property
    def id_number(self):
        return crypto.decrypt(self.id_number_encrypted)

    @id_number.setter
    def id_number(self, number):
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_masked = crypto.mask_id_number(number)

    @property
    def phone_masked(self):
        return crypto.mask_phone(self.phone)

    @property
    def outside_city(self):
        return self.destination_id is None

    @property
    def destination_label(self):
        return self.destination.label() if self.destination_id else self.destination_text


class HandOverQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Hand-overs in the user's areas; to view and to act, also those of the village holding a
        grid worker's grid (the village's inbox is theirs too); to view, also those from the
        checkpoints where the user is checkpoint staff (the status, never the register)."""
        if action not in (Action.VIEW, Action.CHANGE):
            return super().restrict(user, action)
        roles = self.model.roles_by_action[action]
        paths = scope.scope_paths(user, roles)
        if paths is None:
            return self
        condition = scope.paths_q("area_path", paths)
        grids = scope.scope_paths(user, [Role.GRID_WORKER]) if Role.GRID_WORKER in roles else []
        villages = {Area.path_at_level(path, Area.Level.VILLAGE) for path in grids}
        if villages:
            condition |= models.Q(area_path__in=villages)
        if action == Action.VIEW:
            condition |= scope.user_q(user, [Role.CHECKPOINT], "checkpoint_path")
        return self.filter(condition)

    def with_overdue(self, now=None):
        """``overdue``: pending past its due time, derived (never stored)."""
        now = now or timezone.now()
        return self.annotate(
            overdue=models.Case(
                models.When(status=HandOver.Status.PENDING, due_at__lte=now, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def overdue(self, now=None):
        return self.filter(status=HandOver.Status.PENDING, due_at__lte=now or timezone.now())


class HandOver(AreaRecord):
    """A person let through to a village of the city, in that village's inbox until it accepts them
    (the register then holds their arrival) or says they never arrived. Filed under the village."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("hand-over", "pending")
        ACCEPTED = "accepted", pgettext_lazy("hand-over", "accepted")
        NOT_ARRIVED = "not_arrived", pgettext_lazy("hand-over", "not arrived")

    traveller = models.OneToOneField(
        Traveller, verbose_name=_("traveller"), on_delete=models.CASCADE, related_name="handover"
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="handovers"
    )
    # The checkpoint's area path: its staff follow the status of the people they let through.
    checkpoint_path = PathField(max_length=255, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(_("accept by"))
    escalated_at = models.DateTimeField(_("sent up to the town at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    arrival = models.ForeignKey(
        "people.Arrival", verbose_name=_("arrival"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = HandOverQuerySet.as_manager()

    # The system creates hand-overs; the village's officers and grid workers accept them.
    roles_by_action = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: frozenset(),
        Action.CHANGE: MANAGERS | {Role.GRID_WORKER},
        Action.DELETE: frozenset(),
    }

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["area_path", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["checkpoint_path", "status"]),
        ]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self):
        return f"{self.traveller} → {self.area.short_name}"

    def get_absolute_url(self):
        return reverse("checkpoints:handover", args=[self.pk])

    def is_overdue(self, now=None):
        return self.status == self.Status.PENDING and self.due_at <= (now or timezone.now())

    @property
    def status_label(self):
        return pgettext_lazy("hand-over", "overdue") if self.is_overdue() else self.get_status_display()
