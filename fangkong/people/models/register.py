"""The register itself: households, persons, their key-person tags, moves between villages and the
log of full ID numbers revealed."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import pinyin_of
from fangkong.core import crypto, person_status, scope
from fangkong.core.models import (
    AreaRecord,
    ByteOrderCharField,
    ChangeLoggedMixin,
    PathField,
    RestrictedQuerySet,
    prefix_q,
)
from fangkong.core.roles import (
    DEFAULT_ROLES_BY_ACTION,
    REFERENCE_DATA_ROLES,
    REGISTER_READERS,
    Action,
    Role,
    writable_by,
)

# Roles that may see a full ID number (each reveal is logged); everyone else sees it masked.
REVEALING_ROLES = frozenset({Role.COMMANDER, Role.OFFICER, Role.DOCTOR, Role.CDC})


class KeyPersonTag(ChangeLoggedMixin, models.Model):
    """A key-person category (重点对象). Built-in ones drive behaviour; commanders add their own."""

    FROM_RISK_AREA = "from_risk_area"
    CLOSE_CONTACT = "close_contact"
    FEVER = "fever"
    UNDER_OBSERVATION = "under_observation"
    # Derived from the health records (core.person_status), never stored on a person: a category set by
    # hand could say "under observation" of someone nobody observes.
    DERIVED = frozenset({FEVER, UNDER_OBSERVATION})

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80)
    builtin = models.BooleanField(_("built in"), default=False, editable=False)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = None  # the same list everywhere
    # Commanders extend the list; deleting is for the ones they added (built-in ones drive behaviour).
    roles_by_action = REFERENCE_DATA_ROLES

    class Meta:
        ordering = ["-builtin", "code"]
        verbose_name = _("key-person category")
        verbose_name_plural = _("key-person categories")

    def __str__(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name


class Household(AreaRecord):
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_households",
        help_text=_("The cadre or party member who looks after this household (包组联户)."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    head = models.ForeignKey(
        "Person",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("户主: one of the members."),
    )
    # Kinds of difficulty (困难群众), a cadre's record: people.difficulties is the rule's one home
    # ("under observation" is derived from the members' observations and never stored).
    low_income = models.BooleanField(_("low income (低保)"), default=False)
    five_guarantees = models.BooleanField(_("five guarantees (五保)"), default=False)
    elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    disabled = models.BooleanField(_("disabled"), default=False)
    frontline_family = models.BooleanField(_("family of a front-line worker"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Grid workers register households door to door; managers correct and delete them.
    roles_by_action = writable_by(Role.GRID_WORKER, readers=REGISTER_READERS)

    class Meta:
        ordering = ["area_path", "address"]
        indexes = [models.Index(fields=["area_path"])]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.address

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("people:household", args=[self.pk])


def looks_like_id_number(text):
    compact = (text or "").replace(" ", "")
    return len(compact) in (15, 18) and compact[:-1].isdigit()


def exact_id_number(text):
    """The whole ID number typed in a search box, normalised; "" when the text is not a valid one."""
    from fangkong.core.validators import normalise_id_number

    if not looks_like_id_number(text):
        return ""
    try:
        return normalise_id_number(text.strip(), allow_15=True)
    except ValidationError:
        return ""


class PersonQuerySet(RestrictedQuerySet):
    def search(self, text):
        """Name, pinyin ('zhangsan'), initials ('zs'), last 4 of the ID number, full ID number, phone.

        Every branch is an equality or a prefix range on an indexed byte-ordered column, so the first
        page within a scope is a short index scan (docs/benchmarks.md).
        """
        text = (text or "").strip()
        compact = text.replace(" ", "").lower()
        if not compact:
            return self
        if looks_like_id_number(compact):
            number = exact_id_number(compact)
            return self.filter(id_number_hash=crypto.lookup_hash(number)) if number else self.none()
        if len(compact) == 4 and (compact.isdigit() or (compact[:3].isdigit() and compact[3] == "x")):
            return self.filter(id_last4=compact.upper())
        if compact.isdigit():
            return self.filter(prefix_q("phone", compact[-11:]))
        if compact.isascii() and compact.isalpha():
            return self.filter(prefix_q("initials", compact) | prefix_q("pinyin", compact))
        return self.filter(prefix_q("name", text))


class Person(AreaRecord):
    class Sex(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")
        UNKNOWN = "unknown", _("unknown")

    class Residency(models.TextChoices):
        RESIDENT = "resident", _("registered resident")
        FLOATING = "floating", _("floating population")

    # 姓名, a person's name: its own msgid, since "name" is 名称 (a thing's name) everywhere else.
    name = ByteOrderCharField(pgettext_lazy("person", "name"), max_length=50)
    pinyin = ByteOrderCharField(_("pinyin"), max_length=100, editable=False)
    initials = ByteOrderCharField(_("initials"), max_length=20, editable=False)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    id_last4 = ByteOrderCharField(max_length=4, blank=True, editable=False)
    # Kept beside the encrypted number so that lists and exports never decrypt to show it masked.
    id_number_masked = models.CharField(max_length=18, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = ByteOrderCharField(_("phone"), max_length=20, blank=True)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation_to_head = models.CharField(
        _("relation to the head of household"), max_length=20, blank=True, help_text=_("与户主关系: 户主, 配偶, 子女…")
    )
    residency = models.CharField(_("residency"), max_length=10, choices=Residency.choices, default=Residency.RESIDENT)
    party_member = models.BooleanField(
        _("party member"), default=False, help_text=_("Holds pioneer posts and responsibility zones.")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    tags = models.ManyToManyField(KeyPersonTag, verbose_name=_("key-person categories"), blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible cadre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_people",
    )
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("village doctor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patients",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PersonQuerySet.as_manager()
    # Grid workers register people door to door; doctors update the ones they look after.
    roles_by_action = writable_by(Role.GRID_WORKER, Role.DOCTOR, readers=REGISTER_READERS)
    changelog_exclude = frozenset({"created", "last_updated", "pinyin", "initials", "id_number_encrypted"})

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["area_path"]),
            models.Index(fields=["initials", "area_path"]),
            models.Index(fields=["pinyin", "area_path"]),
            models.Index(fields=["name", "area_path"]),
            models.Index(fields=["id_last4"]),
            models.Index(fields=["phone"]),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    @property
    def id_number(self):
        return crypto.decrypt(self.id_number_encrypted)

    @id_number.setter
    def id_number(self, number):
        """Store a validated, upper-cased number encrypted, with its look-up hash and last four."""
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_hash = crypto.lookup_hash(number) if number else None
        self.id_last4 = number[-4:] if number else ""
        self.id_number_masked = crypto.mask_id_number(number)

    @property
    def age(self):
        if not self.birth_date:
            return None
        today = datetime.date.today()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def can_reveal(self, user):
        return scope.has_role(user, REVEALING_ROLES, self.area_path)

    def shows_birth_date_to(self, user):
        """Whether the user sees the whole birth date, or the birth year only: of a person with an
        ID number the date is 8 of the masked digits, so only roles that may reveal the number see it."""
        return not self.id_number_encrypted or self.can_reveal(user)

    def tag_codes(self):
        """The categories stored on the person (set by the register or by hand), without the derived ones."""
        return {tag.code for tag in self.tags.all()}

    @property
    def status(self):
        """The derived status (``core.person_status.Status``): read from the list's annotations when
        the queryset has them (``person_status.annotate``), else in one query, once."""
        if "_status" not in self.__dict__:
            self._status = person_status.of(self)
        return self._status

    @property
    def status_colour(self):
        """Health-code colour (as in 2020) derived from the records: see docs/architecture.md."""
        return self.status.colour

    @property
    def colour_reason(self):
        return self.status.reason

    def save(self, *args, **kwargs):
        self.pinyin, self.initials = pinyin_of(self.name)
        super().save(*args, **kwargs)
        person_status.forget(self)


# The arrival register's own fields (返乡人员登记表), as the web form and the API take them.


class MoveRequest(AreaRecord):
    """A request to move a person registered elsewhere into the requester's area.

    The record hangs from the person's current area, so that area's officers decide; the requester
    follows it through ``requested_by``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="move_requests")
    to_area = models.ForeignKey("areas.Area", verbose_name=_("move to"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Whoever registers people may ask for one registered elsewhere; the managers of the person's area decide.
    roles_by_action = {**DEFAULT_ROLES_BY_ACTION, Action.ADD: Person.roles_by_action[Action.ADD]}

    class Meta:
        ordering = ["-id"]
        verbose_name = _("move request")
        verbose_name_plural = _("move requests")

    def __str__(self):
        return f"{self.person} → {self.to_area}"


class IdNumberReveal(models.Model):
    """A full ID number shown (a reveal), or looked up exactly by a role that may not reveal it (a
    look-up: the answer "registered" or "not registered" is one digit of a guess confirmed).

    The log outlives the records it is about: a person deleted leaves their name and number hash
    here, and a merge carries the entries over to the person kept.
    """

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("reveal")
        LOOKUP = "lookup", _("exact look-up")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.REVEAL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reveals"
    )
    person_name = models.CharField(_("name"), max_length=50, blank=True)
    # Which number: the look-up hash, never the number (a look-up may find nobody).
    number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64)
    area_path = PathField(max_length=255)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = "area_path"
    scope_spans_many = False
    roles_by_action = {Action.VIEW: {Role.COMMANDER}}

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["user", "time"], name="reveal_user_time")]
        verbose_name = _("ID number reveal")
        verbose_name_plural = _("ID number reveals")

    def __str__(self):
        return f"{self.user} → {self.person_name} {self.time:%Y-%m-%d %H:%M}"
