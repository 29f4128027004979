"""Households in difficulty (困难群众): the one home of the rule, for the household form, the API
serializer, the importer, the list filter and the community app's help pages.

Five kinds are a cadre's record, stored as one boolean column each on ``Household``: 低保, 五保,
独居老人, 残疾 and 一线人员家属. Booleans rather than a JSON list because each is filtered on its own
and together ("in difficulty") on every database the project runs on (SQLite has no JSON
containment), a partial index or a ``Count(filter=Q)`` can read them, and the change log shows each
one that changed by name. The sixth, "under observation", is never stored: it is derived from the
open observation episodes of the members (``core.person_status``), so it ends with the episode.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import person_status

# Stored kinds: (field name, label). The order is the form's and the export's.
STORED = (
    ("low_income", gettext_lazy("Low income (低保)")),
    ("five_guarantees", gettext_lazy("Five guarantees (五保)")),
    ("elderly_alone", gettext_lazy("Elderly living alone")),
    ("disabled", gettext_lazy("Disabled")),
    ("frontline_family", gettext_lazy("Family of a front-line worker")),
)
STORED_FIELDS = tuple(name for name, _label in STORED)
UNDER_OBSERVATION = "under_observation"
DERIVED = ((UNDER_OBSERVATION, gettext_lazy("Under observation")),)
ALL = STORED + DERIVED
LABELS = dict(ALL)
ANY = "any"

# What offices write in a spreadsheet cell, for each stored kind (besides the code and the label).
ALIASES = {
    "low_income": ("低保", "低保户", "最低生活保障"),
    "five_guarantees": ("五保", "五保户", "特困", "特困供养"),
    "elderly_alone": ("独居老人", "独居", "空巢老人"),
    "disabled": ("残疾", "残疾人", "残障"),
    "frontline_family": ("一线人员家属", "一线家属", "医护家属", "抗疫一线家属"),
}
SEPARATORS = re.compile(r"[、,，;；/|\s]+")


def of(household):
    """The stored kinds the household has, as codes in the order of ``STORED``."""
    return [name for name in STORED_FIELDS if getattr(household, name)]


def apply(household, codes):
    """Set the household's stored kinds to exactly ``codes`` (checked by ``check``)."""
    codes = set(check(codes))
    for name in STORED_FIELDS:
        setattr(household, name, name in codes)


def check(codes, field="difficulties"):
    """The codes, refused naming ``field`` if one is not a stored kind (under observation is derived)."""
    codes = list(codes or [])
    for code in codes:
        if code == UNDER_OBSERVATION:
            raise ValidationError(
                {field: _("Under observation is read from the observation records: it cannot be set by hand.")}
            )
        if code not in STORED_FIELDS:
            raise ValidationError({field: _("%(value)s is not a kind of difficulty") % {"value": code}})
    return codes


def parse(text, field="difficulties"):
    """A spreadsheet cell (低保、独居老人) as codes; an unknown word is refused naming it and the column."""
    words = [word for word in SEPARATORS.split(str(text or "").strip()) if word]
    codes = []
    known = {}
    for code, label in STORED:
        for name in (code, str(label), *ALIASES[code]):
            known[name.casefold()] = code
    for word in words:
        code = known.get(word.casefold())
        if code is None:
            if word in ("隔离", "居家观察", UNDER_OBSERVATION):
                raise ValidationError(
                    {field: _("Under observation is read from the observation records: it cannot be set by hand.")}
                )
            raise ValidationError(
                {
                    field: _("%(value)s is not a kind of difficulty; write one of %(choices)s")
                    % {"value": word, "choices": "、".join(ALIASES[code][0] for code in STORED_FIELDS)}
                }
            )
        if code not in codes:
            codes.append(code)
    return codes


def observed_q(household_ref="pk"):
    """A member of the household is under observation now (an open episode): derived, never stored."""
    from .models import Person

    members = Person.objects.filter(household=OuterRef(household_ref)).filter(
        person_status.condition(UNDER_OBSERVATION)
    )
    return Exists(members)


def stored_q():
    condition = Q()
    for name in STORED_FIELDS:
        condition |= Q(**{name: True})
    return condition


def condition(code):
    """The filter for one kind, or ``ANY`` for a household in any difficulty (stored or derived)."""
    if code == ANY:
        return stored_q() | Q(observed_q())
    if code == UNDER_OBSERVATION:
        return Q(observed_q())
    if code in STORED_FIELDS:
        return Q(**{code: True})
    raise ValueError(code)


def annotate(queryset):
    """Households with ``under_observation`` read in the same query."""
    return queryset.annotate(under_observation=observed_q())


def labels(household):
    """The labels of the household's kinds, the derived one included when it was annotated or is asked."""
    codes = of(household)
    observed = getattr(household, UNDER_OBSERVATION, None)
    if observed is None and household.pk:
        observed = type(household).objects.filter(pk=household.pk).filter(observed_q()).exists()
    if observed:
        codes.append(UNDER_OBSERVATION)
    return [str(LABELS[code]) for code in codes]
