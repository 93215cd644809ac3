"""Two staff members change the same candidate at the same moment: no update may be lost.

Each thread has its own database connection and transaction. The recording step is slowed down so that, without
the row lock, both threads would read the same old stage and both write on top of it. On PostgreSQL the second
writer waits for the row lock and then sees the first one's change; SQLite has no row locks and refuses the
second writer outright ("database table is locked") — also no lost update, which is what is asserted there.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from mandates import services
from mandates.models import Candidacy, StageChange
from mandates.services import stages
from tests import factories

Stage = Candidacy.Stage
REFUSED = ValidationError if connection.vendor == "postgresql" else (ValidationError, OperationalError)


def run_concurrently(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def slow_recording(monkeypatch):
    original = stages.record_stage

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(stages, "record_stage", slow)


@pytest.fixture
def candidacy(reference_data):
    staff = factories.user(staff=True)
    mandate = factories.mandate()
    return Candidacy.objects.create(mandate=mandate, manager=factories.manager()), staff


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_deciding_on_the_same_stage_only_one_wins(candidacy, slow_recording):
    candidacy, staff = candidacy
    outcomes = run_concurrently(
        lambda: services.candidacy_move(
            candidacy=candidacy, to_stage=Stage.CONTACTED, by=staff, from_stage=Stage.PROPOSED
        ),
        lambda: services.candidacy_move(
            candidacy=candidacy, to_stage=Stage.WITHDRAWN, by=staff, reason="Budget", from_stage=Stage.PROPOSED
        ),
    )
    errors = [o for o in outcomes if isinstance(o, REFUSED)]
    winners = [o for o in outcomes if isinstance(o, Candidacy)]
    assert len(errors) == 1 and len(winners) == 1, outcomes
    candidacy.refresh_from_db()
    assert candidacy.stage == winners[0].stage
    assert StageChange.objects.filter(candidacy=candidacy).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_moves_chain_instead_of_overwriting(candidacy, slow_recording):
    candidacy, staff = candidacy
    outcomes = run_concurrently(
        lambda: services.candidacy_move(candidacy=candidacy, to_stage=Stage.CONTACTED, by=staff),
        lambda: services.candidacy_move(candidacy=candidacy, to_stage=Stage.INTERESTED, by=staff),
    )
    applied = [o for o in outcomes if isinstance(o, Candidacy)]
    if connection.vendor == "postgresql":
        assert len(applied) == 2, outcomes  # both moves are legal from wherever the other one left the candidate
    else:
        assert all(isinstance(o, Candidacy | OperationalError) for o in outcomes), outcomes
    changes = list(StageChange.objects.filter(candidacy=candidacy).order_by("id"))
    # Every recorded change starts where the previous one ended: the second writer saw the first one's stage.
    assert changes[0].from_stage == Stage.PROPOSED
    for before, after in zip(changes, changes[1:], strict=False):
        assert after.from_stage == before.to_stage
    assert len(changes) == len(applied)
    candidacy.refresh_from_db()
    assert candidacy.stage == changes[-1].to_stage
