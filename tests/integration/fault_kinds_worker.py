"""Imported by a test worker (``--include``) to declare the fault kinds in its process."""

from notifications import kinds
from tests.integration.fault_kinds import FAULT_KINDS

for kind in FAULT_KINDS:
    kinds.register(kind)
