import copy
import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.cache import cache
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from fangkong.core import scope
from fangkong.core.models import BaseModel, ChangeLoggedMixin, RestrictedQuerySet
from fangkong.core.roles import MANAGERS, Action, Role


class UserQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Managers see every account with a role in their area, but change one only when all its
        roles lie there (a password reset or deactivation acts on the account everywhere) and it
        manages nothing at their own level: a manager's peers, and the manager themself, are changed
        from the level above (at the top, by a system administrator), so that nobody takes over an
        account as powerful as their own by resetting its password."""
        visible = super().restrict(user, action)
        if action == Action.VIEW:
            return visible
        paths = scope.scope_paths(user, self.model.roles_by_action.get(action, ()))
        if paths is None or not paths:
            return visible
        elsewhere = Membership.objects.exclude(scope.paths_q("area__path", paths)).values("user")
        peers = Membership.objects.filter(role__in=MANAGERS, area__path__in=paths).values("user")
        changeable = visible.exclude(pk__in=elsewhere).exclude(pk__in=peers).exclude(is_superuser=True)
        if not scope.holds(user, {Role.COMMANDER}):
            # Resetting a commander's password would hand over a role only commanders may grant.
            changeable = changeable.exclude(memberships__role=Role.COMMANDER)
        return changeable


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(ChangeLoggedMixin, AbstractUser):
    """A person who logs in. What they may see and do comes only from their memberships."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    party_member = models.BooleanField(
        _("party member"), default=False, help_text=_("Holds pioneer posts and responsibility zones.")
    )
    # Notices are written for whoever reads them: an alert raised by a Chinese-speaking worker reaches
    # an English-speaking doctor in English.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Your alerts and notices, in the app and by text message or work chat, are written in it."),
    )

    objects = ScopedUserManager()

    # Users are visible to whoever manages one of the areas they belong to.
    scope_lookup = "memberships__area__path"
    scope_spans_many = True
    scope_form_field = "memberships"
    roles_by_action = {Action.VIEW: MANAGERS, Action.ADD: MANAGERS, Action.CHANGE: MANAGERS}
    changelog_exclude = frozenset({"last_login", "first_name", "last_name"})
    changelog_fingerprint = frozenset({"password"})  # a reset is audited, the hash never logged

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("accounts:user", args=[self.pk])

    def save(self, *args, **kwargs):
        """A new password, set by anyone anywhere (own change, a manager's reset, the API, the admin),
        revokes the account's API token: whoever knew the old password may have issued one."""
        # Django's own mark of a new password (set_password); a hash upgrade at login clears it first.
        password_changed = self._password is not None
        created = self._state.adding
        if created:
            # A new account has no roles (unless its creator says which it is being created for),
            # whatever the cache keeps under its id: SQLite gives out again the id of an account whose
            # creation was rolled back, roles read meanwhile and all.
            self.__dict__.setdefault("_memberships_cache", [])
        super().save(*args, **kwargs)
        if created:
            forget_memberships_of(self.pk)
        if password_changed:
            Token.objects.filter(user=self).delete()

    def memberships_cached(self):
        """(role, area path) pairs, read once per user object (i.e. once per request) from the cache,
        which keeps them between requests until any of them changes (``forget_memberships_of``)."""
        if not hasattr(self, "_memberships_cache"):
            self._memberships_cache = self._shared_memberships() if self.pk else []
        return self._memberships_cache

    def _shared_memberships(self):
        data_key, version_key = _memberships_keys(self.pk)
        found = cache.get_many([data_key, version_key])
        version = found.get(version_key)
        if version is not None and found.get(data_key, (None,))[0] == version:
            self._memberships_version = version
            return found[data_key][1]
        version = _current_version(found, version_key)
        # Read after the version: a change committed after this read replaces the version again.
        memberships = list(self.memberships.values_list("role", "area__path"))
        if version is not None:
            cache.set(data_key, (version, memberships), SCOPE_CACHE_SECONDS)
        self._memberships_version = version
        return memberships

    def cached_in_scope(self, name, compute):
        """``compute()``, kept in the cache for this user until their memberships or any area change:
        for a look-up that depends on nothing else, such as an area by code among those they may use."""
        self.memberships_cached()
        key = f"in-scope:{self.pk}:{name}"
        found = cache.get_many([key, AREAS_VERSION_KEY])
        versions = (getattr(self, "_memberships_version", None), _current_version(found, AREAS_VERSION_KEY))
        if None in versions:
            return compute()
        if found.get(key, (None,))[0] == versions:
            return found[key][1]
        result = compute()
        cache.set(key, (versions, result), SCOPE_CACHE_SECONDS)
        return result

    def forget_memberships(self):
        self.__dict__.pop("_memberships_cache", None)

    def get_scope_path(self):
        paths = sorted(path for _role, path in self.memberships_cached())
        return paths[0] if paths else ""


def grantable_roles(user):
    """Commanders may grant any role in their scope; officers any role but commander. The one rule for
    granting, changing and removing a role: nobody takes away a role they could not have given."""
    if user.is_superuser or any(role == Role.COMMANDER for role, _path in user.memberships_cached()):
        return list(Role.choices)
    return [(value, label) for value, label in Role.choices if value != Role.COMMANDER]


class MembershipQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Memberships in the user's area; to add, change or delete, only of a role the user may grant.
        To change or delete, neither the user's own nor a manager's at the user's own level: as for
        accounts (UserQuerySet.restrict), those are changed from the level above, so that nobody locks
        themself out by removing their only role, nor removes a peer."""
        memberships = super().restrict(user, action)
        if action == Action.VIEW:
            return memberships
        memberships = memberships.filter(role__in=[value for value, _label in grantable_roles(user)])
        paths = scope.scope_paths(user, self.model.roles_by_action.get(action, ()))
        if action == Action.ADD or paths is None:
            return memberships
        return memberships.exclude(user=user).exclude(role__in=MANAGERS, area__path__in=paths)


# How long scope data (memberships, area look-ups) stays in the cache unread. A change replaces its
# version at once; the timeout only bounds a change the signals cannot see (a raw UPDATE, a bulk
# update of area names) and, with a per-process cache (no REDIS_URL) under several web processes, a
# change made in another process.
SCOPE_CACHE_SECONDS = 300
AREAS_VERSION_KEY = "areas-version"


def _memberships_keys(user_id):
    return f"memberships:{user_id}", f"memberships-version:{user_id}"


def _current_version(found, key):
    """The version under ``key`` as read into ``found`` (a get_many), made when the cache has none;
    None when the cache lost it meanwhile (then nothing is kept)."""
    version = found.get(key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(key, version, SCOPE_CACHE_SECONDS):
            version = cache.get(key)  # another request, or a change, set it meanwhile
    return version


def _replace_version(key):
    """A new version under ``key``, so that the next request in any process reads from the database.
    Done now, for this transaction's own reads, and again on commit: a request elsewhere may have read
    the old rows and kept them under the first new version."""

    def replace():
        cache.set(key, uuid.uuid4().hex, SCOPE_CACHE_SECONDS)

    replace()
    transaction.on_commit(replace)


def forget_memberships_of(user_id):
    """The user's memberships (and their area look-ups) changed: read them again everywhere."""
    _replace_version(_memberships_keys(user_id)[1])


def _token_key(key):
    # The token itself is a credential: the cache (Redis) holds only its hash.
    return "token-user:" + hashlib.sha256(key.encode()).hexdigest()


def cached_token_user(key):
    """The account of an API token as kept by ``keep_token_user``, with its memberships read from the
    cache; None when nothing is kept, or when the account's memberships changed since (read it again)."""
    kept = cache.get(_token_key(key))
    if kept is None:
        return None
    version, user = kept
    user._memberships_cache = user._shared_memberships()
    if user._memberships_version != version:
        return None
    return user


def keep_token_user(key, user):
    user.memberships_cached()
    version = getattr(user, "_memberships_version", None)
    if version is not None:
        kept = copy.copy(user)
        kept.__dict__.pop("_memberships_cache", None)
        cache.set(_token_key(key), (version, kept), SCOPE_CACHE_SECONDS)


def forget_token(key):
    """A deleted token stops working at once in every process (and again on commit, as for versions)."""

    def forget():
        cache.delete(_token_key(key))

    forget()
    transaction.on_commit(forget)


def forget_area_lookups():
    """An area changed (added, renamed, retired): every user's cached area look-ups are read again."""
    _replace_version(AREAS_VERSION_KEY)


class Membership(BaseModel):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["area__code", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "area", "role"], name="unique_membership")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area}"
