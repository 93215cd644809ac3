"""Backups are only as good as their restore: a pg_dump of a database with data restores into a fresh database,
the application passes its checks on it (system checks, no migration missing) and the rows are there.
docs/deploy.md ("Backup and restore") runs the same commands by hand."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from managers.models import Language
from tests import factories
from tests.integration import conftest as infra

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres(settings):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore back up PostgreSQL; the embedded SQLite file is backed up by copying it")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump and pg_restore must be installed next to PostgreSQL (Debian: postgresql-client)")
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGHOST": db.get("HOST") or "127.0.0.1", "PGPORT": str(db.get("PORT") or 5432)}
    env["PGUSER"] = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return db, env


def run(command, env):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restores_into_a_fresh_database_that_passes_the_apps_checks(
    postgres, settings, tmp_path, reference_data
):
    db, env = postgres
    profile = factories.manager("restored.manager@example.com", first_name="Rita", last_name="Restore")
    mandate = factories.mandate(title="Interim-CFO für die Wiederherstellung")
    dump = tmp_path / "manatnet.dump"
    restored = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"

    run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", db["NAME"]], env)
    run(["createdb", restored], env)
    try:
        run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)], env)
        app_env = {**env, "DATABASE_URL": infra.test_database_url(settings, restored), "REDIS_URL": "", "DEBUG": "true"}
        run([sys.executable, "manage.py", "check", "--database", "default"], app_env)
        run([sys.executable, "manage.py", "migrate", "--check"], app_env)

        with psycopg2.connect(infra.test_database_url(settings, restored)) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT email FROM auth_user WHERE id = %s", [profile.user_id])
            assert cursor.fetchone() == ("restored.manager@example.com",)
            cursor.execute("SELECT title FROM mandates_mandate WHERE id = %s", [mandate.pk])
            assert cursor.fetchone() == ("Interim-CFO für die Wiederherstellung",)
            cursor.execute("SELECT count(*) FROM managers_language")
            assert cursor.fetchone()[0] == Language.objects.count() > 0, "reference data too"
        conn.close()
    finally:
        run(["dropdb", "--if-exists", "--force", restored], env)
