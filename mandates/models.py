"""Clients, mandates, candidacies and placements.

Every status or stage change is stored as a timestamped row (``MandateStatusChange``, ``StageChange``), and a
placement is its own fact (``Placement``): time-to-mandate and funnel figures are computed from these, never stored.
"""

import json

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from managers.models import CEFR, Function, Industry, Language, ManagerProfile, Region, Skill

from .matching import DEFAULT_WEIGHTS


class ClientCompany(models.Model):
    name = models.CharField(_("Name"), max_length=160, unique=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Branche"))
    notes = models.TextField(_("Interne Notizen"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Kunde")
        verbose_name_plural = _("Kunden")

    def __str__(self):
        return self.name


class ClientContact(models.Model):
    """A person at a client company. Sees only that company's mandates and their released shortlists."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_contact")
    company = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="contacts")
    position = models.CharField(_("Position"), max_length=120, blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    email_language = models.CharField(_("Sprache der E-Mails"), max_length=2, choices=settings.LANGUAGES, default="de")

    class Meta:
        ordering = ["company__name", "user__last_name"]
        verbose_name = _("Kundenkontakt")
        verbose_name_plural = _("Kundenkontakte")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.email} ({self.company})"


class MandateQuerySet(models.QuerySet):
    def open(self):
        """Mandates still looking for a manager."""
        return self.filter(status__in=Mandate.OPEN_STATUSES)

    def for_client(self, user):
        """The only door through which a client contact reaches mandates: their own company's."""
        return self.filter(company__contacts__user=user).exclude(status=Mandate.Status.DRAFT)


class Mandate(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        OPEN = "open", _("Offen")
        SHORTLISTING = "shortlisting", _("Shortlist in Arbeit")
        PRESENTED = "presented", _("Beim Kunden vorgestellt")
        WON = "won", _("Gewonnen")
        LOST = "lost", _("Verloren")
        CANCELLED = "cancelled", _("Abgesagt")

    OPEN_STATUSES = (Status.OPEN, Status.SHORTLISTING, Status.PRESENTED)
    CLOSED_STATUSES = (Status.WON, Status.LOST, Status.CANCELLED)

    company = models.ForeignKey(
        ClientCompany, on_delete=models.PROTECT, related_name="mandates", verbose_name=_("Kunde")
    )
    contacts = models.ManyToManyField(
        ClientContact, blank=True, related_name="mandates", verbose_name=_("Ansprechpartner")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_mandates",
        limit_choices_to={"is_staff": True},
        verbose_name=_("Verantwortlich"),
    )
    title = models.CharField(_("Titel"), max_length=160)
    brief = models.TextField(_("Internes Briefing"), blank=True)
    public_summary = models.TextField(
        _("Anonyme Kurzbeschreibung"), blank=True, help_text=_("Für Interim Manager sichtbar; ohne Kundennamen.")
    )

    function = models.ForeignKey(Function, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Funktion"))
    industries = models.ManyToManyField(Industry, blank=True, verbose_name=_("Branchen"))
    required_skills = models.ManyToManyField(
        Skill, blank=True, related_name="required_by", verbose_name=_("Muss-Kompetenzen")
    )
    nice_skills = models.ManyToManyField(Skill, blank=True, related_name="nice_for", verbose_name=_("Kann-Kompetenzen"))

    location_city = models.CharField(_("Einsatzort"), max_length=100, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Region"))
    remote_share = models.PositiveSmallIntegerField(
        _("Remote-Anteil (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    start_date = models.DateField(_("Start"), null=True, blank=True)
    start_flex_days = models.PositiveSmallIntegerField(_("Flexibilität Start (Tage)"), default=14)
    duration_months = models.PositiveSmallIntegerField(_("Dauer (Monate)"), null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(
        _("Tage pro Woche"), default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    budget_day_rate = models.PositiveIntegerField(_("Budget Tagessatz (EUR)"), null=True, blank=True)
    budget_tolerance_pct = models.PositiveSmallIntegerField(_("Toleranz Budget (%)"), default=10)

    # Hard filters: switched on per mandate; a candidate failing one is not ranked at all.
    require_availability = models.BooleanField(_("Muss zum Start (+ Flexibilität) verfügbar sein"), default=True)
    require_languages = models.BooleanField(_("Muss die Pflichtsprachen im Mindestniveau sprechen"), default=True)
    require_region = models.BooleanField(_("Muss die Region akzeptieren"), default=False)

    # Soft criteria weights; defaults live in mandates/matching.py.
    weight_skills = models.PositiveSmallIntegerField(_("Gewicht Kompetenzen"), default=DEFAULT_WEIGHTS["skills"])
    weight_function = models.PositiveSmallIntegerField(_("Gewicht Funktion"), default=DEFAULT_WEIGHTS["function"])
    weight_industry = models.PositiveSmallIntegerField(_("Gewicht Branche"), default=DEFAULT_WEIGHTS["industry"])
    weight_languages = models.PositiveSmallIntegerField(_("Gewicht Sprachen"), default=DEFAULT_WEIGHTS["languages"])
    weight_region = models.PositiveSmallIntegerField(_("Gewicht Region/Mobilität"), default=DEFAULT_WEIGHTS["region"])
    weight_availability = models.PositiveSmallIntegerField(
        _("Gewicht Verfügbarkeit"), default=DEFAULT_WEIGHTS["availability"]
    )
    weight_rate = models.PositiveSmallIntegerField(_("Gewicht Tagessatz"), default=DEFAULT_WEIGHTS["rate"])

    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(_("Eröffnet am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)
    # Set by the matching task once candidates were ranked and alerts written; an open mandate without it is
    # picked up again by the periodic job, so a broker outage at opening time loses nothing.
    matched_at = models.DateTimeField(null=True, blank=True, editable=False)
    shortlist_sent_at = models.DateTimeField(_("Shortlist gesendet am"), null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Mandat")
        verbose_name_plural = _("Mandate")
        indexes = [models.Index(fields=["status", "opened_at"])]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def weights(self):
        return {key: getattr(self, f"weight_{key}") for key in DEFAULT_WEIGHTS}


class MandateLanguage(models.Model):
    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, verbose_name=_("Sprache"))
    min_level = models.PositiveSmallIntegerField(_("Mindestniveau"), choices=CEFR.choices, default=CEFR.B2)
    required = models.BooleanField(_("Pflicht"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mandate", "language"], name="one_requirement_per_language")]
        verbose_name = _("Sprachanforderung")
        verbose_name_plural = _("Sprachanforderungen")

    def __str__(self):
        return f"{self.language} ≥ {self.get_min_level_display()}"


class MandateStatusChange(models.Model):
    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Mandate.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Mandate.Status.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Mandatsstatuswechsel")
        verbose_name_plural = _("Mandatsstatuswechsel")

    def __str__(self):
        return f"{self.from_status or '–'} → {self.to_status}"


class Candidacy(models.Model):
    """A manager considered for a mandate, from suggestion to placement or a reasoned "no"."""

    class Stage(models.TextChoices):
        PROPOSED = "proposed", _("Vorgeschlagen")
        CONTACTED = "contacted", _("Kontaktiert")
        INTERESTED = "interested", _("Interessiert")
        SHORTLISTED = "shortlisted", _("Auf der Shortlist")
        PRESENTED = "presented", _("Vorgestellt")
        INTERVIEW = "interview", _("Kundengespräch")
        PLACED = "placed", _("Platziert")
        DECLINED = "declined", _("Vom Kunden abgelehnt")
        WITHDRAWN = "withdrawn", _("Zurückgezogen")

    class Response(models.TextChoices):
        NONE = "", _("Keine Antwort")
        INTERESTED = "interested", _("Interessiert")
        NOT_INTERESTED = "not_interested", _("Kein Interesse")

    NO_STAGES = (Stage.DECLINED, Stage.WITHDRAWN)

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="candidacies")
    manager = models.ForeignKey(ManagerProfile, on_delete=models.CASCADE, related_name="candidacies")
    stage = models.CharField(_("Phase"), max_length=12, choices=Stage.choices, default=Stage.PROPOSED)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    note_for_client = models.TextField(_("Notiz für den Kunden"), blank=True)
    # Only released candidacies (sent on a shortlist) are visible to the client, with profile and CV.
    released_at = models.DateTimeField(_("Für Kunden freigegeben am"), null=True, blank=True)
    score = models.FloatField(_("Score"), null=True, blank=True)
    score_detail = models.JSONField(default=dict, blank=True, editable=False)

    manager_response = models.CharField(max_length=16, choices=Response.choices, blank=True, default="")
    manager_response_reason = models.CharField(max_length=200, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    client_wants_meeting = models.BooleanField(null=True, blank=True)
    client_feedback = models.TextField(blank=True)
    client_feedback_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "-score", "id"]
        constraints = [models.UniqueConstraint(fields=["mandate", "manager"], name="one_candidacy_per_manager")]
        verbose_name = _("Kandidatur")
        verbose_name_plural = _("Kandidaturen")

    def __str__(self):
        return f"{self.manager} → {self.mandate}"


class StageChange(models.Model):
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Candidacy.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Candidacy.Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("Begründung"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Phasenwechsel")
        verbose_name_plural = _("Phasenwechsel")

    def __str__(self):
        return f"{self.from_stage or '–'} → {self.to_stage}"


class Placement(models.Model):
    """A manager got the mandate: the event time-to-mandate is measured on."""

    mandate = models.OneToOneField(Mandate, on_delete=models.PROTECT, related_name="placement")
    # SET_NULL: when a manager erases their account the placement stays, anonymous, for the statistics.
    manager = models.ForeignKey(ManagerProfile, null=True, on_delete=models.SET_NULL, related_name="placements")
    placed_at = models.DateTimeField(_("Platziert am"), default=timezone.now)
    starts_on = models.DateField(_("Start"))
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    day_rate = models.PositiveIntegerField(_("Vereinbarter Tagessatz (EUR)"), null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("Platzierung")
        verbose_name_plural = _("Platzierungen")

    def __str__(self):
        return f"{self.manager} @ {self.mandate}"


class IntArrayField(models.Field):
    """A list of integers: ``integer[]`` on PostgreSQL (GIN-indexed), JSON text on SQLite."""

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        value = [int(v) for v in value]
        return value if connection.vendor == "postgresql" else json.dumps(value)


class CandidateIndex(models.Model):
    """One row per manager with everything matching needs, so ranking reads one table and no joins.

    ``tags`` encodes skills, functions, industries, sections, accepted regions and "speaks language L at level ≥ n"
    in one integer space (``mandates/indexing.py``); on PostgreSQL a GIN index over it answers the hard filters and
    the candidate pre-selection. Rows are derived data: ``mandates/indexing.py`` rebuilds them, and a row marked
    ``stale`` is rebuilt before the next ranking or pool search reads it.
    """

    profile = models.OneToOneField(
        ManagerProfile, primary_key=True, on_delete=models.CASCADE, related_name="candidate_index"
    )
    active = models.BooleanField(default=False)
    stale = models.BooleanField(default=True)
    tags = IntArrayField(default=list)
    available_from = models.DateField(null=True)
    days_per_week = models.PositiveSmallIntegerField(default=5)
    remote_share = models.PositiveSmallIntegerField(default=0)
    day_rate_min = models.PositiveIntegerField(null=True)
    day_rate_target = models.PositiveIntegerField(null=True)
    # Full text over headline, summary and mandate history, German stemming; PostgreSQL only (NULL on SQLite).
    search = SearchVectorField(null=True)
    indexed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("Suchindex-Eintrag")
        verbose_name_plural = _("Suchindex")
        # The GIN indexes over tags and search are created by migration 0004 on PostgreSQL only.
        indexes = [models.Index(fields=["profile"], condition=models.Q(stale=True), name="candidateindex_stale")]

    def __str__(self):
        return f"{self.profile_id}"
