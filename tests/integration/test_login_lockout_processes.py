"""The login lockout holds across web processes: two gunicorn servers (one worker process each, so every request is
known to go to the other process) on the test database and the shared Redis cache, hit in turn."""

import http.cookiejar
import os
import random
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests import factories
from tests.factories import PASSWORD
from tests.integration import conftest as infra

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client behind a proxy that reports ``address`` as the client (TRUSTED_PROXY_COUNT=1)."""

    def __init__(self, address):
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"X-Forwarded-For": self.address})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx: all answers we look at
            return error.code, error.read().decode(), error.headers

    def login(self, server, email, password):
        _status, page, _headers = self.request(f"{server}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(
            f"{server}/accounts/login/", {"login": email, "password": password, "csrfmiddlewaretoken": token}
        )


@pytest.fixture
def web_servers(settings, tmp_path):
    servers, logs = [], []
    env = {
        **os.environ,
        "DATABASE_URL": infra.test_database_url(settings),
        "REDIS_URL": os.environ["REDIS_URL"],
        "TRUSTED_PROXY_COUNT": "1",
        "AXES_FAILURE_LIMIT": "10",
        "AXES_ADDRESS_FAILURE_LIMIT": "50",
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }
    for n in range(2):
        port = infra.free_port()
        log = open(tmp_path / f"gunicorn{n}.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [GUNICORN, "manatnet.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
            cwd=infra.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        servers.append((f"http://127.0.0.1:{port}", process))
        logs.append(log)
    try:
        for url, _process in servers:
            infra.wait_for(lambda url=url: _up(url), timeout=60, message=f"gunicorn at {url}")
        yield [url for url, _process in servers]
    finally:
        for _url, process in servers:
            process.terminate()
            process.wait(20)
        for log in logs:
            log.close()


def _up(url):
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (our own server)
            return response.status == 200
    except OSError:
        return False


def account(email, **kwargs):
    """A user whose password the servers can check (they run with the production hashers, not the tests' MD5)."""
    user = factories.user(email, **kwargs)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "lockoutsalt")
    user.save(update_fields=["password"])
    return user


def test_the_lock_holds_across_two_web_processes(web_servers):
    # Addresses and accounts no earlier run used: their counters in Redis outlive the test database.
    run = f"{random.getrandbits(32):x}"
    staff, manager, colleague = (
        account(f"staff.{run}@example.com", staff=True),
        account(f"manager.{run}@example.com"),
        account(f"colleague.{run}@example.com"),
    )
    for user in (staff, manager):
        # A /64 of its own: allauth and the address counter treat a /64 as one client.
        address = f"2001:db8:{random.getrandbits(16):x}:{random.getrandbits(16):x}::1"
        browser = Browser(address)
        answers = [browser.login(web_servers[n % 2], user.email, f"wrong-{n}")[0] for n in range(15)]
        # Counted per process, each server would have seen only five failures at the tenth: it would not lock.
        assert answers[:9] == [200] * 9, answers
        assert answers[9:] == [429] * 6, answers
        for server in web_servers:
            status, page, _headers = browser.login(server, user.email, PASSWORD)
            assert status == 429 and "Anmeldung vorübergehend gesperrt" in page, "the right password is refused"

        for server in web_servers:
            status, _page, headers = Browser(address).login(server, colleague.email, PASSWORD)
            assert status == 302 and headers["Location"] == "/dashboard/", "another account behind it logs in"
