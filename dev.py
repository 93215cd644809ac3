#!/usr/bin/env python3
"""MANATNET's two quick-start commands, using nothing but the Python that runs this file.

    python3 dev.py run     set up .venv, migrate, load demo data, serve on http://127.0.0.1:8000
    python3 dev.py test    set up .venv (and Chromium for browser tests where it can), run the whole suite

Both honour DATABASE_URL / REDIS_URL (see README.md); with neither set they use the embedded SQLite file.
Extra arguments after ``test`` go to pytest.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"


def sh(*args, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def ensure_venv():
    if sys.version_info < (3, 11):  # noqa: UP036  (this file runs on whatever python3 the user has)
        sys.exit("MANATNET needs Python 3.11 or newer.")
    if not PY.exists():
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".requirements.sha256"
    digest = hashlib.sha256(
        b"".join((ROOT / f).read_bytes() for f in ["requirements.txt", "requirements-dev.txt"])
    ).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements-dev.txt")
        stamp.write_text(digest)


def ensure_chromium():
    """Browser tests drive Debian's chromium. Install it when we can (root with apt); otherwise say what is missing."""
    if Path(CHROMIUM).exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", "chromium", env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    else:
        print(f"! {CHROMIUM} is missing: browser tests will fail. Install Debian's 'chromium' package.", flush=True)


def manage(*args):
    sh(PY, "manage.py", *args)


def run():
    ensure_venv()
    manage("migrate", "--noinput")
    manage("seed_demo")
    manage("runserver", os.environ.get("MANATNET_BIND", "127.0.0.1:8000"))


def test(extra):
    ensure_venv()
    ensure_chromium()
    result = subprocess.run([str(PY), "-m", "pytest", *extra], cwd=ROOT)
    sys.exit(result.returncode)


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        run()
    elif command == "test":
        test(rest)
    else:
        sys.exit(__doc__)
