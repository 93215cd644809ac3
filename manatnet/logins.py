"""Login throttling: which account and which address a login attempt is about, and when either is locked.

django-axes counts failed logins; this module tells it *what* to count, the same way on every door:

* **the account**: allauth authenticates with ``email``, Django's admin form with ``username`` and allauth's form
  posts ``login``; :func:`account_identifier` maps each of them to the account's e-mail address (lower case), so
  ten wrong passwords lock the account whichever form they came through;
* **the client address**: :func:`client_address` honours ``TRUSTED_PROXY_COUNT`` exactly as allauth's own rate
  limits do (one definition of "the client" for both);
* **two limits**: an account is locked after ``AXES_FAILURE_LIMIT`` failures from anywhere, an address after the
  higher ``AXES_ADDRESS_FAILURE_LIMIT`` failures against any accounts. A few mistakes behind one office router
  therefore lock nobody else, while password spraying from one address is still stopped.

The counters live in the shared cache (Redis with ``REDIS_URL``, else the database), so every web process sees the
same numbers. A successful login clears only that account's counter: clearing the address counter too would let an
attacker reset it by logging into an account of their own between guesses.
"""

import hashlib
import ipaddress
import logging

from allauth.account.adapter import get_adapter as get_account_adapter
from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache, get_cache_timeout
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render

log = logging.getLogger(__name__)

# Credential keys that name the account, in order of preference: allauth's backend, allauth's form, Django's form.
IDENTIFIER_FIELDS = ("email", "login", "username")


def account_identifier(value):
    """The account a typed login name stands for: its e-mail address in lower case, or the typed text itself
    (normalised the same way) when no account matches, so unknown names are counted and locked alike."""
    value = str(value or "").strip().lower()
    if not value or len(value) > 254 or "\x00" in value:
        return value  # no account has such a name; a NUL would not even reach PostgreSQL
    user = (
        get_user_model()
        .objects.filter(Q(email__iexact=value) | Q(username__iexact=value))
        .order_by("pk")
        .only("email")
        .first()
    )
    return (user.email or value).lower() if user else value


def login_identifier(request, credentials=None):
    """``AXES_USERNAME_CALLABLE``: the account of this attempt, from the credentials or else the posted form."""
    source = credentials or getattr(request, "POST", None) or {}
    for field in IDENTIFIER_FIELDS:
        if source.get(field):
            # Asked several times per request (allowed? failed? locked?): look the account up once.
            memo = getattr(request, "_login_identifiers", None)
            if memo is None:
                memo = {}
                if request is not None:
                    request._login_identifiers = memo
            if source[field] not in memo:
                memo[source[field]] = account_identifier(source[field])
            return memo[source[field]]
    return ""


def client_address(request):
    """``AXES_CLIENT_IP_CALLABLE``: the client's address as allauth determines it (``TRUSTED_PROXY_COUNT``)."""
    try:
        return get_account_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all (never behind a real server); count those together
        return "unknown"


def address_block(address):
    """What one client controls: an IPv4 address, or the /64 network of an IPv6 address (a single connection is
    usually given a whole /64, so counting single IPv6 addresses would give an attacker 2^64 fresh starts)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _key(kind, value):
    return f"logins:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


class AccountAndAddressHandler(AxesCacheHandler):
    """django-axes handler with one counter per account and one per address, each with its own limit."""

    @property
    def cache(self):
        # Looked up on each use (not kept from start-up), so a changed CACHES setting is honoured at once.
        return get_cache()

    @cache.setter
    def cache(self, value):
        pass  # AxesCacheHandler.__init__ assigns one; the property above decides.

    def _counters(self, request, credentials):
        address = address_block(request.axes_ip_address or "unknown")
        counters = [(_key("address", address), settings.AXES_ADDRESS_FAILURE_LIMIT)]
        account = login_identifier(request, credentials)
        if account:
            counters.append((_key("account", account), settings.AXES_FAILURE_LIMIT))
        return counters

    def get_failures(self, request, credentials=None):
        return max((self.cache.get(key, 0) for key, _limit in self._counters(request, credentials)), default=0)

    def is_locked(self, request, credentials=None):
        return any(self.cache.get(key, 0) >= limit for key, limit in self._counters(request, credentials))

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None:
            return
        if self.is_whitelisted(request, credentials):
            return
        timeout = get_cache_timeout(request)
        locked = False
        for key, limit in self._counters(request, credentials):
            if self.cache.add(key, 1, timeout=timeout):
                count = 1
            else:
                count = self.cache.incr(key)
                # Each failure restarts the cool-off: a lock ends an hour after the last try, not the first.
                self.cache.touch(key, timeout=timeout)
            locked = locked or count >= limit
        if locked:
            account = login_identifier(request, credentials)
            log.warning("Login locked for an account or address after repeated failures (path %s).", request.path)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=account, ip_address=request.axes_ip_address)

    def user_logged_in(self, sender, request, user, **kwargs):
        """A successful login clears this account's counter (not the address's, see the module docstring)."""
        self.cache.delete(_key("account", account_identifier(user.email or user.get_username())))

    def user_logged_out(self, sender, request, user, **kwargs):
        pass

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False):
        """Used by ``manage.py axes_reset_ip`` / ``axes_reset_username`` and by a password reset."""
        keys = []
        if ip_address:
            keys.append(_key("address", address_block(ip_address)))
        if username:
            keys.append(_key("account", account_identifier(username)))
        return sum(1 for key in keys if self.cache.delete(key))

    def post_save_access_attempt(self, instance, **kwargs):
        pass  # no AccessAttempt rows: the counters are in the cache

    def post_delete_access_attempt(self, instance, **kwargs):
        pass


def unlock_after_password_reset(sender, request, user, **kwargs):
    """Whoever proves they own the mailbox may log in again at once, even while someone else keeps the account
    locked by guessing (a lock per account is otherwise a way to shut a person out)."""
    AccountAndAddressHandler().reset_attempts(username=user.email)


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the same page whether the password was right or wrong, in the user's language."""
    return render(
        request,
        "account/locked.html",
        {"cooloff_minutes": int(settings.AXES_COOLOFF_TIME * 60)},
        status=429,
    )
