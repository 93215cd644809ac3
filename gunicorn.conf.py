"""gunicorn reads this file from the working directory (the repository root) on its own.

With PROMETHEUS_MULTIPROC_DIR set, every worker process writes its counters into that directory and /metrics adds
them up (manatnet/metrics.py); a worker that exits leaves its files for the sums but is marked dead here.
The directory must be emptied before gunicorn starts (the systemd unit in docs/deploy/ does it).
"""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
