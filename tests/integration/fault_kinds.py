"""Two kinds that can never be sent, for the poison-row tests: one whose builder raises, one whose templates do not
exist. Declared for one test in the test process (``declared_fault_kinds``) and, through ``celery worker
--include tests.integration.fault_kinds_worker``, in the worker that sends them."""

from notifications import kinds


def explode(notification):
    raise RuntimeError("Kontext kaputt")


FAULT_KINDS = [
    kinds.Kind("test_builder_raises", builder=explode),
    kinds.Kind("test_template_missing", builder=lambda notification: {}, templates="emails/test_template_missing"),
]
