"""API token authentication that keeps the token's account in the shared cache beside its memberships."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .models import cached_token_user, keep_token_user


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication without a query per request once the token was seen: the account is
    kept under the token (hashed) and the version of the account's memberships, so a change of role,
    a deactivation or a demotion (which replace that version) and a deleted token (a new password, a
    reissued token: ``forget_token``) take effect at the next request in every process sharing the cache."""

    def authenticate_credentials(self, key):
        user = cached_token_user(key)
        if user is None:
            user, token = super().authenticate_credentials(key)
            keep_token_user(key, user)
            return user, token
        return user, Token(key=key, user=user)
