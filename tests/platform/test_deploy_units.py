"""The systemd units docs/deploy.md ships are valid: systemd-analyze verify finds no error or warning in them, with
their paths pointed at this checkout (its .venv has gunicorn and celery)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "docs" / "deploy").glob("*.service"))


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed on this machine")
def test_the_shipped_systemd_units_verify_cleanly(tmp_path):
    assert {unit.name for unit in UNITS} == {"manatnet-web.service", "manatnet-worker.service", "manatnet-beat.service"}
    (tmp_path / "manatnet.env").write_text("DEBUG=false\n")
    for unit in UNITS:
        text = unit.read_text().replace("/srv/manatnet", str(ROOT))
        (tmp_path / unit.name).write_text(text.replace("/etc/manatnet/manatnet.env", str(tmp_path / "manatnet.env")))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *[f"./{unit.name}" for unit in UNITS]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
