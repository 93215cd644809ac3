"""Writes to mandates and candidacies: every change that spans rows, records a fact or notifies someone.

One module per concern: ``mandates`` (open, close, recipients), ``candidacies`` (the list, stage moves, what the
client is told), ``presentation`` (consent, the shortlist, releasing an identity), ``answers`` (managers' and
clients' answers), ``placement``; ``stages`` holds the pipeline they share. Callers import from here.

Each service locks the row it reads before it writes (``select_for_update`` in a small atomic block), so two staff
members working on the same mandate or candidate never overwrite each other's change. Notifications are written
as outbox rows in the same transaction; workers deliver them after commit.
"""

from .answers import client_feedback, consent_answer, manager_respond
from .candidacies import (
    candidacy_add,
    candidacy_move,
    candidacy_move_by,
    candidacy_reorder,
    candidacy_update_for_client,
)
from .mandates import client_recipients, mandate_open, mandate_set_status
from .placement import add_months, placement_record
from .presentation import candidacy_release, consent_request_send, shortlist_send
from .stages import PLACEABLE, allowed_stages

__all__ = [
    "PLACEABLE",
    "add_months",
    "allowed_stages",
    "candidacy_add",
    "candidacy_move",
    "candidacy_move_by",
    "candidacy_release",
    "candidacy_reorder",
    "candidacy_update_for_client",
    "client_feedback",
    "client_recipients",
    "consent_answer",
    "consent_request_send",
    "mandate_open",
    "mandate_set_status",
    "manager_respond",
    "placement_record",
    "shortlist_send",
]
