"""The API's JSON parser: DRF's, refusing with a 400 what would otherwise fail deeper down as a 500."""

import codecs
import json
import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

# No request of the API nests deeper than a few levels (a batch of checks: a list of objects of lists).
MAX_DEPTH = 32


def finite_float(text):
    """A JSON number as a float; one past a float's range (1e309, which Python reads as infinity) is
    refused: it reaches no field as a number (an id, a count) without an OverflowError."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(_("%(value)s is too large a number.") % {"value": text[:30]})
    return value


def too_deep(data):
    """Whether lists and objects nest past MAX_DEPTH (walked without recursion)."""
    level = [data]
    for _depth in range(MAX_DEPTH):
        level = [
            item
            for value in level
            if isinstance(value, dict | list)
            for item in (value.values() if isinstance(value, dict) else value)
        ]
        if not level:
            return False
    return True


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        text = codecs.getreader(encoding)(stream)
        try:
            data = json.load(text, parse_constant=strict_constant, parse_float=finite_float)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
        if too_deep(data):
            raise ParseError(_("JSON parse error - nested too deeply."))
        return data
