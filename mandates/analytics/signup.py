"""The sign-up page's base rate, registered with ``managers.signup`` (imported by ``MandatesConfig.ready``)."""

from managers.signup import signup_note

from . import store


@signup_note(template="mandates/_signup_base_rate.html", order=10)
def base_rate():
    """Share of managers with a first mandate within six months and its basis, from the cache (never computed
    here: the sign-up page is public)."""
    return store.base_rate()
