"""The Chinese catalogue: complete, faithful to its placeholders, compiled, and actually served.

GNU gettext is not installed on a fresh machine, so the compiled django.mo is committed next to
django.po. These tests read both files with the standard library only: a forgotten
``make messages`` (new strings left untranslated, or a .mo older than its .po) fails here.
"""

import gettext
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LC_MESSAGES = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# Translations that are rightly the same as the English: names and acronyms read as such in China.
KEPT_IN_ENGLISH = {"API", "English"}


# A compact .po reader -------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict = field(default_factory=dict)  # plural index -> text; 0 alone for a singular entry
    flags: set = field(default_factory=set)
    line: int = 0
    obsolete: bool = False

    @property
    def key(self):
        """The key the compiled catalogue stores this entry under."""
        key = self.msgid if self.msgid_plural is None else f"{self.msgid}\0{self.msgid_plural}"
        return key if self.msgctxt is None else f"{self.msgctxt}\x04{key}"

    def __str__(self):
        return f"line {self.line}: {self.msgid!r}"


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+"(.*)"\s*$')
CONTINUATION = re.compile(r'^"(.*)"\s*$')


def unescape(text):
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], text)


def parse_po(text):
    """(header entry, header fields, other entries) of a .po file; obsolete (#~) entries are skipped."""
    entries, entry, target = [], None, None

    def finish():
        if entry is not None and not entry.obsolete:
            entries.append(entry)

    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            finish()
            entry = target = None
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            keyword, index, value = match.groups()
            target = (keyword, int(index or 0))
            if keyword == "msgstr":
                entry.msgstr[target[1]] = unescape(value)
            else:
                setattr(entry, keyword, unescape(value))
        elif (match := CONTINUATION.match(line)) and target:
            keyword, index = target
            if keyword == "msgstr":
                entry.msgstr[index] += unescape(match.group(1))
            else:
                setattr(entry, keyword, getattr(entry, keyword) + unescape(match.group(1)))
        else:
            raise ValueError(f"{PO_FILE.name} line {number} is not understood: {line!r}")
    finish()
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    return header, fields, [e for e in entries if e is not header]


def mo_keys(data):
    """The keys (msgid, msgid\\0plural, context\\x04msgid) stored in a compiled catalogue."""
    order = "<" if struct.unpack("<I", data[:4])[0] == 0x950412DE else ">"
    _revision, count, ids_at = struct.unpack(order + "3I", data[4:16])
    keys = set()
    for number in range(count):
        length, offset = struct.unpack(order + "2I", data[ids_at + 8 * number : ids_at + 8 * number + 8])
        keys.add(data[offset : offset + length].decode("utf-8"))
    return keys - {""}


@pytest.fixture(scope="module")
def catalogue():
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def entries(catalogue):
    return catalogue[2]


# Placeholders ---------------------------------------------------------------------------------

PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<kind>[diouxXeEfFgGcrsa%])")
BRACES = re.compile(r"\{\{\s*[\w.|:\"' ]+?\s*\}\}|\{\w*(?:![rsa])?(?::[^{}]*)?\}")
SAMPLES = {"d": 7, "i": 7, "o": 7, "u": 7, "x": 7, "X": 7, "c": "x", "e": 1.5, "E": 1.5, "f": 1.5, "F": 1.5}


def percent_placeholders(text):
    """(named placeholders as a set, positional ones in order): translators may reorder only named ones."""
    named, positional = set(), []
    for match in PERCENT.finditer(text):
        if match["kind"] == "%":
            continue
        if match["name"] is not None:
            named.add(f"%({match['name']}){match['kind']}")
        else:
            positional.append(match["kind"])
    return named, positional


def format_with_samples(text, source):
    """Format text as Django will at run time, with sample values for the source's placeholders."""
    named, positional = percent_placeholders(source)
    if named:
        return text % {re.match(r"%\((.*)\)", p)[1]: SAMPLES.get(p[-1], "x") for p in named}
    return text % tuple(SAMPLES.get(kind, "x") for kind in positional)


def translations(entry):
    """(source text, translation) pairs: with one plural form in Chinese, msgstr[0] renders every count."""
    source = entry.msgid if entry.msgid_plural is None else entry.msgid_plural
    return [(source, text) for _index, text in sorted(entry.msgstr.items())]


# The catalogue file ---------------------------------------------------------------------------


def test_header_declares_simplified_chinese_with_one_plural_form(catalogue):
    header, fields, _entries = catalogue
    assert fields["Language"] == "zh_Hans"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "fuzzy" not in header.flags, "msgfmt drops a fuzzy header, and with it the plural rule"


def test_every_message_is_translated(entries):
    assert len(entries) > 100, "the catalogue looks truncated"
    untranslated = [
        str(entry) for entry in entries if set(entry.msgstr) != {0} or not all(t.strip() for t in entry.msgstr.values())
    ]
    assert not untranslated, "Translate these (one msgstr[0] per plural entry) and run `make messages`:\n" + "\n".join(
        untranslated
    )


def test_no_translation_is_fuzzy(entries):
    fuzzy = [str(entry) for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, "Check these guesses of msgmerge and remove the fuzzy flag:\n" + "\n".join(fuzzy)


def test_translations_are_in_chinese(entries):
    """A msgstr copied from the msgid shows English in the Chinese UI."""
    han = re.compile(r"[\u4e00-\u9fff]")
    english = [
        str(entry)
        for entry in entries
        for _source, text in translations(entry)
        if text not in KEPT_IN_ENGLISH and not han.search(text)
    ]
    assert not english, "\n".join(english)


def test_placeholders_survive_translation(entries):
    problems = []
    for entry in entries:
        for source, text in translations(entry):
            if BRACES.findall(source) and sorted(BRACES.findall(source)) != sorted(BRACES.findall(text)):
                problems.append(f"{entry}: {BRACES.findall(source)} became {BRACES.findall(text)}")
            if "python-format" not in entry.flags:
                continue
            if percent_placeholders(source) != percent_placeholders(text):
                problems.append(f"{entry}: {percent_placeholders(source)} became {percent_placeholders(text)}")
                continue
            try:
                format_with_samples(text, source)
            except (KeyError, TypeError, ValueError) as error:  # e.g. a lone % that should be %%
                problems.append(f"{entry}: {text!r} does not format: {error}")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_matches_source(entries):
    """django.mo is what Django serves: it must hold exactly the .po's messages and translations."""
    assert MO_FILE.exists(), "Run `make messages` (or compilemessages) and commit django.mo"
    stale = "django.mo is older than django.po: run `make messages` and commit django.mo"
    compiled_keys, source_keys = mo_keys(MO_FILE.read_bytes()), {entry.key for entry in entries}
    assert compiled_keys == source_keys, (
        f"{stale}.\nNot compiled: {sorted(source_keys - compiled_keys)}"
        f"\nNo longer in .po: {sorted(compiled_keys - source_keys)}"
    )
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    different = []
    for entry in entries:
        if entry.msgid_plural is None:
            got = [compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)]
        else:
            got = [
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, count)
                if entry.msgctxt
                else compiled.ngettext(entry.msgid, entry.msgid_plural, count)
                for count in (1, 2, 5)
            ]
        if set(got) != {entry.msgstr[0]}:
            different.append(f"{entry}: .po says {entry.msgstr[0]!r}, .mo says {got!r}")
    assert not different, stale + ":\n" + "\n".join(different)


# What people see ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_chinese_by_default_and_english_on_request(client):
    chinese = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "登录" in chinese and "Log in" not in chinese

    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english
    assert "Log in" in english and "登录" not in english

    # A language we do not offer falls back to Chinese.
    assert "登录" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_language_switch_is_remembered(client, people):
    """The footer's language form sets the cookie, which then beats the browser's Accept-Language."""
    client.force_login(people.town_officer)
    profile = reverse("accounts:profile")
    chinese = client.get(profile).content.decode()
    assert "退出" in chinese and "工作人员" in chinese and "镇(街道)" in chinese

    response = client.post(reverse("set_language"), {"language": "en", "next": profile})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = client.get(profile, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Log out" in english and "Officer" in english and "Town" in english
    assert "退出" not in english

    client.post(reverse("set_language"), {"language": "zh-hans", "next": profile})
    assert "退出" in client.get(profile).content.decode()
