"""Publicity (宣传与辟谣): notices relayed grid by grid, the rumour-refutation board and policy Q&A.

A notice, a refutation or an answer published by an area reaches every area below it: the queryset's
``restrict`` lets everyone working below read it (``core.scope.reaching_q``), while writing it stays
with the managers of its own area. Drafts (refutations and answers not yet published) stay with them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area, pinyin_of
from fangkong.core import scope
from fangkong.core.models import AreaRecord, ByteOrderCharField, PathField, RestrictedQuerySet
from fangkong.core.roles import Action, Role, writable_by

# Where a notice, a refutation or an answer may be filed: a grid publishes nothing of its own.
PUBLISHING_LEVELS = [Area.Level.CITY, Area.Level.COUNTY, Area.Level.TOWN, Area.Level.VILLAGE]
MAX_TEXT = 5000


def check_publishing_area(area):
    """A notice, a refutation or an answer is filed on a village or above (the API's check; the forms
    offer only those areas)."""
    if area.level not in PUBLISHING_LEVELS:
        raise ValidationError(_("%(area)s is a grid: choose its village or an area above.") % {"area": area.label()})
    return area


class ReachingQuerySet(RestrictedQuerySet):
    """To view: the rows of the user's areas, and the published rows of the areas above them."""

    published_above = models.Q()

    def restrict(self, user, action=Action.VIEW):
        if action != Action.VIEW:
            return super().restrict(user, action)
        roles = self.model.roles_by_action.get(action, ())
        return self.filter(scope.reaching_q(user, roles, "area_path", self.published_above))


class NoticeQuerySet(ReachingQuerySet):
    def with_coverage(self, user):
        """``grids``: the active grids the notice reaches among those the user works in; ``relayed``:
        how many of them marked it relayed. Subqueries: a list is one query."""
        paths = scope.scope_paths(user, NoticeRelay.roles_by_action[Action.VIEW])
        below = {
            "path__gte": models.OuterRef("area_path"),
            "path__lt": Concat(models.OuterRef("area_path"), models.Value("/"), output_field=PathField()),
        }
        grids = Area.objects.active().filter(scope.paths_q("path", paths), level=Area.Level.GRID, **below)
        relays = NoticeRelay.objects.filter(scope.paths_q("area_path", paths), notice=models.OuterRef("pk"))
        return self.annotate(grids=_count(grids), relayed=_count(relays))

    def to_relay(self, user):
        """The notices that reach a grid of the user's not yet marked relayed."""
        return self.with_coverage(user).filter(relayed__lt=models.F("grids"))


def _count(queryset):
    number = models.Func(models.F("pk"), function="COUNT", output_field=models.IntegerField())
    return Coalesce(models.Subquery(queryset.order_by().annotate(n=number).values("n")[:1]), 0)


class Notice(AreaRecord):
    """A publicity notice (宣传通知) published by an area, to be relayed in every grid below it."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), validators=[MaxLengthValidator(MAX_TEXT)])
    published_on = models.DateField(_("publish date"), default=timezone.localdate)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = NoticeQuerySet.as_manager()
    scope_form_field = "area"

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["area_path", "published_on"])]
        verbose_name = _("publicity notice")
        verbose_name_plural = _("publicity notices")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("community:notice", args=[self.pk])


class RelayMethod(models.TextChoices):
    DOOR_TO_DOOR = "door_to_door", _("door to door")
    LOUDSPEAKER = "loudspeaker", _("loudspeaker")
    WECHAT_GROUP = "wechat_group", _("WeChat group")


class NoticeRelay(AreaRecord):
    """A notice relayed in one grid (宣传到户), by one or more methods; one per notice and grid."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="relays")
    door_to_door = models.BooleanField(_("door to door"), default=False)
    loudspeaker = models.BooleanField(_("loudspeaker"), default=False)
    wechat_group = models.BooleanField(_("WeChat group"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    relayed_at = models.DateTimeField(_("relayed at"), default=timezone.now)
    relayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relayed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Grid workers relay in their grid and mark it; officers too, for any grid of their area.
    roles_by_action = writable_by(Role.GRID_WORKER)
    scope_form_field = "area"

    class Meta:
        ordering = ["-relayed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["notice", "area"], name="community_relay_once_per_grid")]
        indexes = [models.Index(fields=["area_path", "relayed_at"])]
        verbose_name = _("notice relayed")
        verbose_name_plural = _("notices relayed")

    def __str__(self):
        return f"{self.notice} · {self.area.label()}"

    def get_absolute_url(self):
        return self.notice.get_absolute_url()

    @property
    def methods(self):
        return [method for method in RelayMethod.values if getattr(self, method)]

    def methods_display(self):
        return "、".join(str(label) for value, label in RelayMethod.choices if getattr(self, value))


class RumourQuerySet(ReachingQuerySet):
    published_above = models.Q(published=True)

    def applying_to(self, area):
        """Published refutations of the area and of the areas above it (the public page)."""
        return self.filter(published=True, area_path__in=[*Area.ancestor_paths(area.path), area.path])


class Rumour(AreaRecord):
    """A rumour refuted (辟谣): the claim, the facts and their authority, city-wide or for an area."""

    claim = models.TextField(_("rumour"), validators=[MaxLengthValidator(1000)])
    facts = models.TextField(_("facts"), validators=[MaxLengthValidator(MAX_TEXT)])
    source = models.CharField(_("source"), max_length=200, help_text=_("The authority: 市卫健委, 县疫情防控指挥部…"))
    refuted_on = models.DateField(_("date"), default=timezone.localdate)
    published = models.BooleanField(_("published"), default=False)

    objects = RumourQuerySet.as_manager()
    scope_form_field = "area"

    class Meta:
        ordering = ["-refuted_on", "-id"]
        indexes = [models.Index(fields=["area_path", "refuted_on"])]
        verbose_name = _("rumour refuted")
        verbose_name_plural = _("rumours refuted")

    def __str__(self):
        return self.claim[:40]

    def get_absolute_url(self):
        return reverse("community:rumour", args=[self.pk])


class QuestionQuerySet(ReachingQuerySet):
    published_above = models.Q(published=True)

    def applying_to(self, area):
        return self.filter(published=True, area_path__in=[*Area.ancestor_paths(area.path), area.path])

    def search(self, text):
        """Every word in the question or the answer; a word of Latin letters in the question's pinyin
        or initials ('kouzhao', 'kz'), as the register searches names (``pinyin_of``)."""
        condition = models.Q()
        for word in (text or "").split():
            lowered = word.lower()
            if lowered.isascii() and lowered.isalpha():
                condition &= models.Q(initials__contains=lowered) | models.Q(pinyin__contains=lowered)
            else:
                condition &= models.Q(question__contains=word) | models.Q(answer__contains=word)
        return self.filter(condition)


class Question(AreaRecord):
    """A policy question and its answer (政策问答)."""

    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), validators=[MaxLengthValidator(MAX_TEXT)])
    published = models.BooleanField(_("published"), default=False)
    pinyin = ByteOrderCharField(_("pinyin"), max_length=1800, editable=False, blank=True)
    initials = ByteOrderCharField(_("initials"), max_length=300, editable=False, blank=True)

    objects = QuestionQuerySet.as_manager()
    scope_form_field = "area"
    changelog_exclude = frozenset({"created", "last_updated", "pinyin", "initials"})

    class Meta:
        ordering = ["-last_updated", "-id"]
        verbose_name = _("policy question")
        verbose_name_plural = _("policy questions")

    def __str__(self):
        return self.question[:40]

    def get_absolute_url(self):
        return reverse("community:question", args=[self.pk])

    def save(self, *args, **kwargs):
        self.pinyin, self.initials = (
            value[:limit] for value, limit in zip(pinyin_of(self.question), (1800, 300), strict=True)
        )
        super().save(*args, **kwargs)


__all__ = ["PUBLISHING_LEVELS", "check_publishing_area", "Notice", "NoticeRelay", "Question", "RelayMethod", "Rumour"]
