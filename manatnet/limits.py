"""Bounds on what people type, declared on the models so that our forms, the admin and the API all obey them.

* Free text: Django passes a ``TextField``'s ``max_length`` to the form widget only; :func:`bounded_text` adds
  the validator that enforces it (a 2 MB "outcome" was once stored and shown on client pages).
* Dates: typed dates are kept inside a window around today (:func:`years_ahead`) or after :data:`EARLIEST`, so
  nothing downstream computes with the year 9999 (adding a mandate's months to such a date was a server error).
"""

from datetime import date, timedelta

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No career, placement or mandate in this platform starts before this day.
EARLIEST = date(1950, 1, 1)


def bounded_text(verbose_name, *, max_length, **kwargs):
    """A ``TextField`` whose ``max_length`` is enforced by validation and shown in forms as ``maxlength``."""
    return models.TextField(verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)


def today():
    return timezone.localdate()


def five_years_ahead():
    return timezone.localdate() + timedelta(days=5 * 366)


def ten_years_ahead():
    return timezone.localdate() + timedelta(days=10 * 366)


def not_before_earliest():
    return MinValueValidator(EARLIEST, message=_("Bitte geben Sie ein Datum ab dem 1.1.1950 an."))


def not_after_today():
    return MaxValueValidator(today, message=_("Das Datum darf nicht in der Zukunft liegen."))


def within_five_years():
    return MaxValueValidator(
        five_years_ahead, message=_("Das Datum liegt zu weit in der Zukunft (höchstens fünf Jahre).")
    )


def within_ten_years():
    return MaxValueValidator(
        ten_years_ahead, message=_("Das Datum liegt zu weit in der Zukunft (höchstens zehn Jahre).")
    )


# Money and counts typed by people: far above any real value, far below what a database integer holds.
MAX_DAY_RATE = 100_000


def day_rate_bounds():
    return [MaxValueValidator(MAX_DAY_RATE, message=_("Bitte geben Sie einen realistischen Tagessatz an."))]


def clean_only(instance, *names):
    """Run the model's field validation for ``names`` only: services call it before saving what a person typed, so
    a bound holds whichever door (form, admin, API) the value came through."""
    instance.clean_fields(exclude=[field.name for field in instance._meta.fields if field.name not in names])
