"""The one register of people: households, persons, arrivals, key-person tags, screening rounds."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import Area, pinyin_of
from fangkong.core import crypto, person_status, scope
from fangkong.core.figures import percent
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
ARRIVAL_FIELDS = [
    "kind",
    "origin",
    "route",
    "arrived_on",
    "transport",
    "trip_number",
    "reason",
    "area",
    "address",
    "fever",
    "symptoms",
    "contact_with_cases",
    "registered_on",
    "registrar",
]


class Arrival(AreaRecord):
    """A person arriving (back) into the city, as on the arrival register (返乡人员登记表)."""

    class Kind(models.TextChoices):
        RETURNEE = "returnee", _("returnee")
        FLOATING = "floating", _("floating population")

    class Transport(models.TextChoices):
        TRAIN = "train", _("train")
        PLANE = "plane", _("plane")
        COACH = "coach", _("coach")
        CAR = "car", _("own car")
        OTHER = "other", _("other")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="arrivals")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RETURNEE)
    origin = models.ForeignKey(
        "areas.Division", verbose_name=_("coming from"), on_delete=models.PROTECT, related_name="+"
    )
    route = models.CharField(_("route"), max_length=200, blank=True, help_text=_("Places passed through."))
    arrived_on = models.DateField(_("arrival date"))
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices, default=Transport.OTHER)
    trip_number = models.CharField(_("train, flight or plate number"), max_length=30, blank=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    address = models.CharField(_("staying at"), max_length=200, blank=True)
    fever = models.BooleanField(_("fever at arrival"), default=False)
    symptoms = models.BooleanField(_("cough or other symptoms at arrival"), default=False)
    contact_with_cases = models.BooleanField(_("contact with cases within 14 days"), default=False)
    risk_area = models.ForeignKey(
        "areas.RiskArea",
        verbose_name=_("risk area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("The risk area in force on the arrival date that the origin lies in."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The register's own 登记时间 and 登记人: a paper form is often entered days later, by someone else.
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registrar = models.CharField(_("registered by"), max_length=50, blank=True)

    # Officers register arrivals, and so do grid workers going door to door; managers correct them.
    roles_by_action = writable_by(Role.GRID_WORKER, readers=REGISTER_READERS)

    class Meta:
        ordering = ["-arrived_on", "-id"]
        indexes = [
            models.Index(fields=["area_path", "arrived_on"]),
            models.Index(fields=["arrived_on"]),
            # The derived status asks per person for a fever at arrival: few rows, one small index.
            models.Index(fields=["person", "arrived_on"], condition=models.Q(fever=True), name="arrival_fever_person"),
        ]
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")

    def __str__(self):
        return f"{self.person} {self.arrived_on}"

    @property
    def risk(self):
        return self.risk_area_id is not None


class ScreeningRoundQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Rounds in the user's areas and, to view, also rounds over an area that contains them: a
        grid worker sees the village's round (and records visits in their grid's part of it)."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        paths = scope.scope_paths(user, self.model.roles_by_action.get(action, ()))
        if paths is None:
            return self
        if not paths:
            return self.none()
        ancestors = {ancestor for path in paths for ancestor in Area.ancestor_paths(path)}
        return self.filter(models.Q(area_path__in=ancestors) | scope.paths_q("area_path", paths))

    def with_status(self, today=None):
        """``overdue``: open and past the deadline, derived from the dates (never stored)."""
        today = today or datetime.date.today()
        return self.annotate(
            overdue=models.Case(
                models.When(closed_on__isnull=True, deadline__lt=today, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def with_coverage(self, user):
        """``households`` in each round's area that the user may see, and how many were ``visited``."""
        from django.db.models.functions import Coalesce, Concat

        def count(queryset):
            number = models.Func(models.F("pk"), function="COUNT", output_field=models.IntegerField())
            return Coalesce(models.Subquery(queryset.order_by().annotate(n=number).values("n")[:1]), 0)

        in_area = {
            "area_path__gte": models.OuterRef("area_path"),
            "area_path__lt": Concat(models.OuterRef("area_path"), models.Value("/"), output_field=PathField()),
        }
        households = Household.objects.restrict(user).filter(**in_area)
        visited = households.filter(visits__round=models.OuterRef("pk"))
        return self.annotate(households=count(households), visited=count(visited))


class ScreeningRound(AreaRecord):
    """A door-to-door round (全覆盖排查) over every household of an area, with a deadline."""

    objects = ScreeningRoundQuerySet.as_manager()

    title = models.CharField(_("title"), max_length=100)
    opened_on = models.DateField(_("opened on"), default=datetime.date.today)
    deadline = models.DateField(_("deadline"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("people:round", args=[self.pk])

    def households_in_scope(self, user):
        """The households of the round's area that the user may see (a grid worker: their grid's)."""
        return scope.within(Household.objects.restrict(user), self.area_path)

    def visited_q(self):
        """A condition on households: visited in this round."""
        return models.Exists(ScreeningVisit.objects.filter(round=self, household=models.OuterRef("pk")))

    def coverage(self, user):
        """Households and visited ones, overall and by grid, in two aggregate queries."""
        households = self.households_in_scope(user).order_by()
        counts = {"households": models.Count("pk"), "visited": models.Count("pk", filter=self.visited_q())}
        overall = households.aggregate(**counts)
        by_area = list(
            households.values("area__code", "area__name", "area__parent__name", "area__level", "area_path")
            .annotate(**counts)
            .order_by("area_path")
        )
        for row in [overall, *by_area]:
            row["percent"] = percent(row["visited"], row["households"])
        return overall, by_area

    @property
    def is_overdue(self):
        return self.closed_on is None and self.deadline < datetime.date.today()


class ScreeningVisit(AreaRecord):
    """One household visited in a round; the area is the household's, so grid workers see their own."""

    round = models.ForeignKey(ScreeningRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"), default=datetime.date.today)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    members_home = models.PositiveSmallIntegerField(_("people at home"), default=0)
    arrivals_found = models.BooleanField(_("someone arrived from elsewhere"), default=False)
    symptoms_found = models.BooleanField(_("someone has fever or symptoms"), default=False)
    # Who had a fever at the visit: a fever reported to the register, until ruled out (core.person_status).
    fever_members = models.ManyToManyField(
        Person, verbose_name=_("members with fever"), blank=True, related_name="fever_visits"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    # Grid workers and doctors do the visiting; managers correct records.
    roles_by_action = writable_by(Role.GRID_WORKER, Role.DOCTOR, readers=REGISTER_READERS)

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="one_visit_per_household")]
        verbose_name = _("screening visit")
        verbose_name_plural = _("screening visits")

    def __str__(self):
        return f"{self.household} {self.visited_on}"


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


class HouseholdTally(models.Model):
    """The register's two figures for the daily reports, kept as changes per area and day so that a
    city's figure is a sum over a few thousand rows instead of a count over every household
    (``people.tallies`` keeps them, in the transaction of every change that moves them).

    ``households``: households registered on the day (a deletion or a move takes one back);
    ``screened``: the change, from that day on, in households screened. A figure of a day is the sum
    of the changes of the days up to it."""

    area_path = PathField(_("area path"), max_length=255)
    day = models.DateField(_("day"))
    households = models.IntegerField(default=0)
    screened = models.IntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = "area_path"
    scope_spans_many = False
    roles_by_action = Household.roles_by_action  # whoever may count the households may count these

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area_path", "day"], name="household_tally_day")]
        verbose_name = _("household tally")
        verbose_name_plural = _("household tallies")

    def __str__(self):
        return f"{self.area_path} {self.day}: {self.households:+d} / {self.screened:+d}"


class HouseholdLedger(models.Model):
    """What a household adds to the tallies now: its area, the day it was registered and the days it
    counts as screened. Kept so that a change takes back exactly what was added before; a plain id,
    not a foreign key, as the row outlives its household until the deletion is taken back."""

    household_id = models.BigIntegerField(primary_key=True)
    area_path = PathField(max_length=255)
    registered_on = models.DateField()
    # [[first day, last day or None], ...]: the union of its visits' spans in their rounds.
    screened = models.JSONField(default=list)

    def __str__(self):
        return f"household {self.household_id}"
