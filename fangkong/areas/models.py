import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from fangkong.core.models import BaseModel, ChangeLoggedMixin, PathField, RestrictedQuerySet
from fangkong.core.roles import ALL_ROLES, MANAGERS, REFERENCE_DATA_ROLES, Action

# Committee suffixes that NBS village names carry, and what a short display name keeps of them.
COMMITTEE_SUFFIXES = [
    ("社区居民委员会", "社区"),
    ("村民委员会", "村"),
    ("居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("社区委会", "社区"),
    ("社区居委", "社区"),
    ("村委会", "村"),
    ("居委会", "社区"),
]


def short_name_for(name):
    for suffix, keep in COMMITTEE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            # 王塬村村委会 is the committee of 王塬村: its short name is 王塬村, not 王塬村村.
            return stem if stem.endswith(keep) else stem + keep
    return name


@functools.lru_cache(maxsize=65536)
def pinyin_of(text):
    """Full pinyin and initials, lower case without spaces: 竹林关镇 -> ("zhulinguanzhen", "zlgz")."""
    # The initials are the syllables' first letters: one conversion, not two (a name costs ~80 µs).
    syllables = [syllable for syllable in lazy_pinyin(text, errors="ignore") if syllable]
    return "".join(syllables).lower(), "".join(syllable[0] for syllable in syllables).lower()


class AreaQuerySet(RestrictedQuerySet):
    def active(self):
        return self.filter(retired_on__isnull=True)

    def pickable(self):
        """Areas offered in pickers: active and not an NBS 'similar to town' unit."""
        return self.active().filter(is_special=False)

    def search(self, text):
        text = text.strip()
        if not text:
            return self
        lowered = text.lower().replace(" ", "")
        condition = models.Q(name__contains=text) | models.Q(short_name__contains=text)
        if text.isdigit():
            condition |= models.Q(code__startswith=text)
        if lowered.isascii() and lowered.isalpha():
            condition |= models.Q(initials__startswith=lowered) | models.Q(pinyin__startswith=lowered)
        return self.filter(condition)


class Area(BaseModel):
    class Level(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        TOWN = "town", _("Town")
        VILLAGE = "village", _("Village")
        GRID = "grid", _("Grid")

    LEVEL_ORDER = [Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE, Level.GRID]

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100, editable=False)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = PathField(_("path"), max_length=255)
    pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, db_index=True)
    initials = models.CharField(_("initials"), max_length=50, blank=True, db_index=True)
    is_special = models.BooleanField(
        _("special unit"),
        default=False,
        help_text=_("An NBS 'similar to town' unit (reservoir, forest farm, campus) or a place inside one."),
    )
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    scope_lookup = "path"
    scope_form_field = "parent"
    # Only grids are edited in the UI; the official tree comes from the division import.
    roles_by_action = {Action.VIEW: ALL_ROLES, Action.ADD: MANAGERS, Action.CHANGE: MANAGERS}

    class Meta:
        # Path order is code order, and lets a subtree's first page stop after one index range.
        ordering = ["path"]
        # A constraint rather than unique=True: PostgreSQL would add a second, LIKE index that the
        # byte-ordered path does not need.
        constraints = [models.UniqueConstraint(fields=["path"], name="unique_area_path")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.short_name or self.name

    def get_scope_path(self):
        return self.path

    def label(self):
        """How pickers, lists and messages name an area: a grid with its village (竹林关村 第一网格:
        every village has a 第一网格), any other area by its short name."""
        if self.level == self.Level.GRID and self.parent_id:
            return f"{self.parent.short_name} {self.short_name}"
        return self.short_name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("areas:area", args=[self.code])

    @property
    def depth(self):
        return self.LEVEL_ORDER.index(self.level)

    @property
    def child_level(self):
        index = self.depth + 1
        return self.LEVEL_ORDER[index] if index < len(self.LEVEL_ORDER) else None

    @property
    def is_retired(self):
        return self.retired_on is not None

    # The path arithmetic of the tree, in one place: a path is the chain of codes from the city down,
    # joined by dots, one code per level.

    @staticmethod
    def ancestor_paths(path):
        """The paths of the areas above the one at ``path``, from the top of the tree down."""
        codes = path.split(".")
        return [".".join(codes[:depth]) for depth in range(1, len(codes))]

    @classmethod
    def path_at_level(cls, path, level):
        """The path of the area of ``level`` that holds ``path`` (the path itself if it is no deeper)."""
        return ".".join(path.split(".")[: cls.LEVEL_ORDER.index(level) + 1])

    @classmethod
    def code_at_level(cls, path, level):
        """The code of the area of ``level`` that holds ``path`` (its own code if it is no deeper)."""
        return cls.path_at_level(path, level).rsplit(".", 1)[-1]

    def ancestor_codes(self):
        return self.path.split(".")[:-1]

    def ancestors(self):
        """From the top of the tree down to the parent, in one query."""
        by_code = {a.code: a for a in Area.objects.filter(code__in=self.ancestor_codes())}
        return [by_code[code] for code in self.ancestor_codes() if code in by_code]

    def fill_derived(self):
        """Short name, search keys and path from name and parent."""
        self.short_name = short_name_for(self.name)
        self.pinyin, self.initials = pinyin_of(self.short_name)
        parent = self.parent  # may be an unsaved parent during a bulk import
        self.path = f"{parent.path}.{self.code}" if parent is not None else self.code

    def clean(self):
        if self.parent_id and self.parent.child_level != self.level:
            child_level = self.parent.child_level
            child = Area.Level(child_level).label if child_level else "-"
            raise ValidationError(
                {
                    "level": _("A %(parent)s can only contain a %(child)s.")
                    % {"parent": self.parent.get_level_display(), "child": child}
                }
            )

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)


class Division(models.Model):
    """The national division list down to county (GB/T 2260): where arrivals come from."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    full_name = models.CharField(_("full name"), max_length=120)
    initials = models.CharField(_("initials"), max_length=40, blank=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = None
    roles_by_action = {Action.VIEW: ALL_ROLES}

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self):
        return self.full_name

    @classmethod
    def by_code(cls, code, levels):
        """The division with this code if it is of one of ``levels``; else a ValidationError saying
        what is wrong, for the arrival form and the API alike."""
        division = cls.objects.filter(code=code).first()
        if division is None:
            raise ValidationError(
                _("No place with code %(code)s in the national division list."), params={"code": code}
            )
        return division.of_level(levels)

    def of_level(self, levels):
        """This division if it is of one of ``levels`` (a county is asked for, not its province)."""
        if self.level not in levels:
            raise ValidationError(
                _("%(name)s is a %(level)s: pick a county or district in it."),
                params={"name": self.full_name, "level": self.get_level_display()},
            )
        return self

    @staticmethod
    def enclosing_codes(code):
        """The division's code and those of the prefecture and province it lies in: codes are 2, 4 and
        6 digits long, each beginning with its parent's."""
        return {code, code[:4], code[:2]}

    @staticmethod
    def full_name_for(names):
        """湖北省 武汉市 江汉区; the pseudo-prefecture 市辖区 of a municipality is left out."""
        return " ".join(name for name in names if name not in ("市辖区", "县"))


class RiskArea(ChangeLoggedMixin, models.Model):
    """A risk area (中高风险地区) in force from one date to another; arrivals from it are key persons."""

    class Level(models.IntegerChoices):
        MEDIUM = 1, _("medium risk")
        HIGH = 2, _("high risk")

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("risk level"), choices=Level.choices, default=Level.HIGH)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(
        _("in force until"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = None
    roles_by_action = REFERENCE_DATA_ROLES

    class Meta:
        ordering = ["-valid_from", "division__code"]
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")

    def __str__(self):
        return f"{self.division} ({self.get_level_display()})"

    def clean(self):
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end date comes before the start date.")})
