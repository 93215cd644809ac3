"""Notes other apps show on the sign-up page, before the person commits, without ``managers`` knowing them.

An app registers a function that returns the note's data (or ``None`` to show nothing) and the template that
shows it; the sign-up form carries the notes to allauth's page (``SignupConsentForm.notes``)::

    @signup_note(template="mandates/_signup_base_rate.html")
    def base_rate():
        return {"share": 0.31, "observations": 412}

A note must be cheap (read a cache, never compute): the sign-up page is public.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    template: str
    data: Callable
    order: int


_notes: list[Note] = []


def signup_note(*, template, order=100):
    """Register ``data() -> dict | None`` as a note on the sign-up page shown with ``template``."""

    def register(data):
        if not any(note.data is data for note in _notes):
            _notes.append(Note(template, data, order))
        return data

    return register


def signup_notes():
    """[{"template": …, "data": {…}}] for every registered note that has something to say, in their order."""
    result = []
    for note in sorted(_notes, key=lambda note: note.order):
        data = note.data()
        if data is not None:
            result.append({"template": note.template, "data": data})
    return result
