import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="manatnet.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="manatnet.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_unreachable_database_url_is_named_at_start_up():
    result = manage("check", DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere")
    assert result.returncode != 0
    assert "DATABASE_URL points to a database that cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_web_server_refuses_to_start_on_an_unreachable_database():
    result = subprocess.run(
        [sys.executable, "-c", "import manatnet.wsgi"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL points to a database that cannot be reached" in result.stderr


def test_the_celery_worker_refuses_to_start_on_an_unreachable_database():
    celery = Path(sys.executable).with_name("celery")
    result = subprocess.run(
        [str(celery), "-A", "manatnet", "worker", "--loglevel", "warning", "--concurrency", "1"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere", "REDIS_URL": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DATABASE_URL points to a database that cannot be reached" in result.stdout + result.stderr


def test_an_unparseable_database_url_is_named():
    result = manage("check", DATABASE_URL="nonsense://")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
