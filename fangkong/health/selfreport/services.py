"""Self-report through a household's link: issuing and revoking links, first names, the rate limit."""

from django.db import transaction
from django.utils import timezone

from fangkong.core import ratelimit
from fangkong.health import services as health
from fangkong.health.models import Check, Episode

from .models import HouseholdLink

# Compound surnames (复姓) that are dropped whole from a name of three characters or more.
COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文"}
    | {"令狐", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "万俟"}
)
# Submissions a link, and an address, may make in an hour (a household checks twice a day).
LIMIT_PER_TOKEN = 30
LIMIT_PER_ADDRESS = 60
LIMIT_WINDOW = 3600


def first_name(name):
    """The given name without the surname: 小明 from 王小明, 明 from 欧阳明.

    A two-character name gives its second character (明 from 王明): even the family's own page
    never shows a surname, and a household rarely has two members of one given name. A compound
    surname is recognised only in names of three characters or more (司马 alone is a surname and a
    given name). A name written with spaces (a foreign name) gives its first word."""
    name = (name or "").strip()
    if " " in name:
        return name.split()[0]
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[2:]
    return name[1:] if len(name) >= 2 else name


def observed_members(household):
    """The household's open episodes (one per member under observation), by name."""
    return list(
        Episode.objects.open()
        .filter(person__household=household, start_on__lte=timezone.localdate())
        .select_related("person", "protocol")
        .order_by("person__name", "pk")
    )


@transaction.atomic
def issue(household, user):
    """A new link for the household; the one in use, if any, is revoked (a reissue)."""
    revoke(household)
    return HouseholdLink.objects.create(household=household, created_by=user if user.is_authenticated else None)


def revoke(household):
    """Revoke the household's link in use; its QR code then opens the 404 page."""
    for link in HouseholdLink.objects.active().select_for_update().filter(household=household):
        link.revoked_at = timezone.now()
        link.save()


def active_link(household, user=None):
    """The household's link in use; with a user, one is issued when there is none."""
    link = HouseholdLink.objects.active().filter(household=household).first()
    if link is None and user is not None:
        link = issue(household, user)
    return link


def allow_submission(token, address):
    """Count a submission from the link and the address; False once either has used its hour's share."""
    counters = ((f"selfreport:token:{token}", LIMIT_PER_TOKEN), (f"selfreport:addr:{address}", LIMIT_PER_ADDRESS))
    return ratelimit.allow(counters, LIMIT_WINDOW)


def record_self_check(episode, key, temperature, symptoms):
    """The resident's check, recorded as a worker's would be (a fever flags the person the same way).

    The key comes with the page's form: the same form sent again (a retry on a bad connection) is the
    saved check, taken at its first sending."""
    key = f"self-{key}"
    saved = Check.objects.filter(key=key, person=episode.person).only("taken_at").first()
    check = Check(
        key=key,
        person=episode.person,
        taken_at=saved.taken_at if saved else timezone.now(),
        temperature=temperature,
        symptoms=list(symptoms),
        source=Check.Source.SELF,
    )
    return health.record_check(check, None)
