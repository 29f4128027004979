"""Personal data at rest: ID numbers are encrypted (Fernet) and found by a keyed hash.

The hash key is derived from the encryption key, so one secret (FIELD_ENCRYPTION_KEY, generated
into var/ when absent) protects both; without it a stolen database reveals no ID number, and the
hash cannot be reversed by hashing all possible numbers.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings


@functools.cache
def _fernet():
    return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())


@functools.cache
def _hash_key():
    return hashlib.sha256(b"fangkong id-number lookup\x00" + settings.FIELD_ENCRYPTION_KEY.encode()).digest()


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token):
    return _fernet().decrypt(token.encode()).decode() if token else ""


def lookup_hash(text):
    """A keyed hash for exact look-up and de-duplication; equal inputs give equal hashes."""
    return hmac.new(_hash_key(), text.encode(), hashlib.sha256).hexdigest()


def mask_id_number(number):
    """6110**********123X: the first four and last four characters stay."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone):
    """138****5678 for a mobile; a landline keeps its area code and last digits."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:2] + "*" * (len(phone) - 2)
    return phone[:3] + "****" + phone[-4:]
