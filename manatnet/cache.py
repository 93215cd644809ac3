"""Reading figures that can wait while the shared cache (Redis) is down.

Pages read slowly moving figures (analytics) from the shared cache. When Redis is unreachable such a read must
not fail the page: :func:`figures_when_cache_down` makes it answer as if the figures were still being computed.
Login counters are deliberately NOT read this way: a lockout that silently counts nothing would let guessing go
on while Redis is down, so logins fail instead (manatnet/logins.py).
"""

import functools
import logging

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

CACHE_DOWN = (RedisConnectionError, RedisTimeoutError)


def figures_when_cache_down(fallback):
    """Decorate a cache read: while the cache is unreachable it returns ``fallback()`` and logs a warning."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except CACHE_DOWN as exc:
                logger.warning("shared cache unreachable, %s answers without figures: %s", function.__name__, exc)
                return fallback()

        return wrapper

    return decorate
