"""bench/load.py cannot rot: a few-seconds run of the real script's steps (data set-up with its bulk inserts, the
people's sessions, gunicorn with DEBUG=false, wrk per page and for the mix) on the test database. Figures are not
asserted (the machine is shared); that every page answers 200 under load, with no error, is."""

import os
import shutil

import pytest
from django.db import connection

from bench import load
from tests.integration import conftest as infra

pytestmark = pytest.mark.load


@pytest.fixture
def servers(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the load proof runs on PostgreSQL (bench/matching.py's bulk inserts are PostgreSQL SQL)")
    if not shutil.which("wrk"):
        pytest.fail("wrk is missing: apt-get install -y wrk (.ci/run installs it)")
    env = load.server_env(
        infra.test_database_url(settings), os.environ.get("REDIS_URL", ""), tmp_path, SECRET_KEY=settings.SECRET_KEY
    )
    servers = load.Servers(env, tmp_path)
    yield servers
    servers.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_load_script_drives_every_page_through_gunicorn_without_errors(servers, capsys, reference_data):
    pages = load.prepare(managers=300, mandates=5)
    assert [page.name for page in pages][:3] == ["manager dashboard", "client shortlist", "admin ranking"]
    servers.start_web()

    results = load.measure_pages(servers, pages, seconds=2, connections=(2,))
    mix = load.measure_mix(servers, pages, seconds=2, rate=50)
    load.report(results, mix, 50)

    for name, by_connections in results.items():
        for connections, result in by_connections.items():
            assert result["requests"] > 0 and result["ok"] == result["requests"], (name, connections, result)
            assert result["errors"] == 0
    assert all(result["errors"] == 0 and result["requests"] > 0 for result in mix)
    assert "| manager dashboard | 2 |" in capsys.readouterr().out
