"""Recording who got the mandate: the fact time-to-mandate is measured on, with both day rates."""

import calendar
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from managers.models import ManagerProfile
from managers.services import manager_set_status
from manatnet import limits

from ..models import Mandate, Placement
from .stages import PLACEABLE, Stage, lock_candidacy, record_mandate_status, record_stage, withdraw_others


def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_rates(manager_day_rate, client_day_rate):
    missing = [
        label
        for label, value in (
            (_("Tagessatz des Managers"), manager_day_rate),
            (_("Tagessatz für den Kunden"), client_day_rate),
        )
        if value is None
    ]
    if missing:
        raise ValidationError(
            _("Für eine Platzierung sind beide Tagessätze nötig; es fehlt: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    if manager_day_rate < 0 or client_day_rate < 0:
        raise ValidationError(_("Tagessätze können nicht negativ sein."))


@transaction.atomic
def placement_record(*, candidacy, by, manager_day_rate, client_day_rate, starts_on=None):
    """The manager got the mandate: record the placement with the rate the manager gets and the rate the client
    pays, close the mandate as won (ending every client's access to the candidates), mark the manager placed and
    busy until the mandate ends, name the client to them, and withdraw everyone else still in the race."""
    _check_rates(manager_day_rate, client_day_rate)
    mandate = Mandate.objects.select_for_update().get(pk=candidacy.mandate_id)
    candidacy = lock_candidacy(candidacy)
    if not mandate.is_open:
        raise ValidationError(
            _("Das Mandat ist nicht mehr offen („%(status)s“).") % {"status": mandate.get_status_display()}
        )
    if candidacy.stage not in PLACEABLE:
        raise ValidationError(
            _("Aus der Phase „%(stage)s“ kann keine Platzierung erfasst werden.")
            % {"stage": candidacy.get_stage_display()}
        )
    now = timezone.now()
    starts_on = starts_on or mandate.start_date or timezone.localdate()
    placement = Placement(
        mandate=mandate,
        manager=candidacy.manager,
        placed_at=now,
        starts_on=starts_on,
        manager_day_rate=manager_day_rate,
        client_day_rate=client_day_rate,
    )
    # Before any date arithmetic with what was typed (the year 9999 plus a mandate's months is no date).
    limits.clean_only(placement, "starts_on", "manager_day_rate", "client_day_rate")
    if mandate.duration_months:
        placement.ends_on = add_months(starts_on, mandate.duration_months)
    placement.save()
    ends_on = placement.ends_on
    fields = record_stage(candidacy, Stage.PLACED, by, now)
    if candidacy.client_revealed_at is None:
        candidacy.client_revealed_at = now  # the placed manager works for the client: they are named to them now
        fields.append("client_revealed_at")
    candidacy.save(update_fields=fields)
    record_mandate_status(mandate, Mandate.Status.WON, by, now)
    mandate.closed_at = now
    mandate.save(update_fields=["status", "closed_at"])

    profile = manager_set_status(
        profile=candidacy.manager, status=ManagerProfile.Status.PLACED, reason=f"mandate:{mandate.pk}", at=now
    )
    if ends_on:
        # Free again the day after the mandate ends; without a known duration the date stays as the manager set it.
        profile.available_from = ends_on + timedelta(days=1)
        profile.save(update_fields=["available_from"])

    withdraw_others(
        mandate, exclude_pk=candidacy.pk, by=by, at=now, reason=_("Mandat an einen anderen Kandidaten vergeben")
    )
    return placement
