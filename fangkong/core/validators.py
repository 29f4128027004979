"""Validators for resident ID numbers (GB 11643-1999) and mainland phone numbers."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
# re.ASCII: \d would also match other scripts' digits (٣, ௨), which int() reads but nobody can look up.
ID_PATTERN = re.compile(r"^\d{17}[\dX]$", re.ASCII)
ID15_PATTERN = re.compile(r"^\d{15}$", re.ASCII)
MOBILE_PATTERN = re.compile(r"^(?:\+86|0086)?1[3-9]\d{9}$", re.ASCII)
# Area code (3-4 digits starting with 0) and a 7-8 digit number, optionally an extension.
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?$", re.ASCII)


# The dates the product takes anywhere (a form, a filter, the API, an ID number's birth date). A year
# outside them is a typing slip; the edges of Python's calendar (years 1 and 9999) break the day after,
# the week before and the conversion of a local time to UTC.
EARLIEST_DATE = datetime.date(1890, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


def _halfwidth(value):
    """Full-width digits and letters (typed in a Chinese input method's full-width mode) as ASCII."""
    return unicodedata.normalize("NFKC", value or "")


def id_check_character(first17):
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def _birth_date(text, today):
    try:
        born = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number (%(date)s) does not exist."), code="id_birth_date", params={"date": text}
        ) from None
    if born > today:
        raise ValidationError(
            _("The birth date in the ID number (%(date)s) is in the future."),
            code="id_birth_date",
            params={"date": born.isoformat()},
        )
    if born < EARLIEST_DATE:
        raise ValidationError(
            _("The birth date in the ID number (%(date)s) is too far in the past."),
            code="id_birth_date",
            params={"date": born.isoformat()},
        )
    return born


def normalise_id_number(value, allow_15=False, today=None):
    """Validate a resident ID number (GB 11643-1999) and return it upper-cased.

    Messages say exactly what is wrong: length, characters, birth date or check character.
    """
    today = today or datetime.date.today()
    text = _halfwidth(value).strip().replace(" ", "").upper()
    if allow_15 and ID15_PATTERN.match(text):
        _birth_date("19" + text[6:12], today)
        return text
    if len(text) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."), code="id_length", params={"count": len(text)}
        )
    if not ID_PATTERN.match(text):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="id_characters")
    _birth_date(text[6:14], today)
    expected = id_check_character(text[:17])
    if text[17] != expected:
        raise ValidationError(
            _("The check character of this ID number should be %(expected)s, not %(given)s: a digit was mistyped."),
            code="id_check",
            params={"expected": expected, "given": text[17]},
        )
    return text


def id_number_facts(number):
    """Sex ('male'/'female') and birth date read from a valid 18-digit ID number."""
    born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return ("male" if int(number[16]) % 2 else "female"), born


def normalise_phone(value):
    """A mainland mobile (11 digits, +86/0086 prefix dropped) or a landline with area code."""
    text = re.sub(r"[\s()]", "", _halfwidth(value))
    if MOBILE_PATTERN.match(text):
        return text[-11:]
    if LANDLINE_PATTERN.match(text):
        return text
    raise ValidationError(
        _("Enter a mobile number (11 digits starting with 1) or a landline with its area code, e.g. 0914-2312345."),
        code="phone",
    )


SEX_LABELS = {"male": _("male"), "female": _("female")}


def check_id_number_facts(number, data, birth_date=True):
    """The ID number's sex and birth date against what was typed beside it, in ``data`` (a dict).

    A blank sex ("" or "unknown") or birth date is filled in from the number; a typed one that
    contradicts it is refused with a ValidationError naming the field (``sex``, ``birth_date``).
    ``birth_date=False`` where the birth date is not asked for. The person form, the arrival form,
    the add-member form, the serializers and the importer all call this one rule.
    """
    if not number or len(number) != 18:
        return data
    sex, born = id_number_facts(number)
    errors = {}
    if data.get("sex") in (None, "", "unknown"):
        data["sex"] = sex
    elif data["sex"] != sex:
        errors["sex"] = ValidationError(
            _("The ID number says %(sex)s."), code="id_sex", params={"sex": SEX_LABELS[sex]}
        )
    if birth_date:
        if not data.get("birth_date"):
            data["birth_date"] = born
        elif data["birth_date"] != born:
            errors["birth_date"] = ValidationError(
                _("The ID number says %(date)s."), code="id_birth_date", params={"date": born.isoformat()}
            )
    if errors:
        raise ValidationError(errors)
    return data




def implausible_date():
    return ValidationError(
        _("Enter a date between %(earliest)s and %(latest)s."),
        code="date_out_of_range",
        params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
    )


def validate_plausible_date(value):
    """Refuse a date, or a date and time, outside EARLIEST_DATE to LATEST_DATE."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if isinstance(day, datetime.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise implausible_date()


def not_in_future(day, today=None):
    """A date that has happened: an arrival, a registration, a visit, a birth. ``today`` for imports,
    which fix it once for the whole file."""
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError(
            _("%(date)s is in the future: today is %(today)s."),
            code="future",
            params={"date": day.isoformat(), "today": today.isoformat()},
        )
    return day
