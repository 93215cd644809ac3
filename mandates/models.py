"""Clients, mandates, candidacies and placements.

Every status or stage change is stored as a timestamped row (``MandateStatusChange``, ``StageChange``), and a
placement is its own fact (``Placement``): time-to-mandate and funnel figures are computed from these, never stored.

What the client may see of a candidate is decided by three facts on ``Candidacy``: ``consent_at`` (the manager
agreed to be presented for this mandate; ``PresentationConsent`` keeps the proof), ``presented_at`` (the anonymous
card went out on a shortlist) and ``released_at`` (staff released the identity). Check constraints hold the order
in the database itself: nobody is shown to a client without a consent, nobody released without being presented.
"""

import json
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from managers.models import CEFR, Function, Industry, Language, ManagerProfile, Region, Skill
from manatnet import limits

from .matching import DEFAULT_WEIGHTS, percent


class ClientCompany(models.Model):
    name = models.CharField(_("Name"), max_length=160, unique=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Branche"))
    notes = limits.bounded_text(_("Interne Notizen"), max_length=10000, blank=True)
    margin_pct = models.PositiveSmallIntegerField(
        _("Marge (%)"),
        default=20,
        validators=[MaxValueValidator(200)],
        help_text=_("Aufschlag auf den Tagessatz des Managers für den Preis, den dieser Kunde angeboten bekommt."),
    )
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
    title = models.CharField(
        _("Titel"), max_length=160, help_text=_("Intern und für den Kunden; Interim Manager sehen ihn nie.")
    )
    brief = limits.bounded_text(_("Internes Briefing"), max_length=10000, blank=True)
    public_title = models.CharField(
        _("Anonymer Titel"),
        max_length=160,
        blank=True,
        help_text=_("Für Interim Manager sichtbar, ohne Kundennamen, z. B. „Interim CFO im Maschinenbau“."),
    )
    public_summary = limits.bounded_text(
        _("Anonyme Kurzbeschreibung"),
        max_length=2000,
        blank=True,
        help_text=_("Für Interim Manager sichtbar; ohne Kundennamen."),
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
    start_date = models.DateField(
        _("Start"), null=True, blank=True, validators=[limits.not_before_earliest(), limits.within_five_years()]
    )
    start_flex_days = models.PositiveSmallIntegerField(
        _("Flexibilität Start (Tage)"), default=14, validators=[MaxValueValidator(365)]
    )
    duration_months = models.PositiveSmallIntegerField(
        _("Dauer (Monate)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("Tage pro Woche"), default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    budget_day_rate = models.PositiveIntegerField(
        _("Budget Tagessatz (EUR)"), null=True, blank=True, validators=limits.day_rate_bounds()
    )
    budget_tolerance_pct = models.PositiveSmallIntegerField(
        _("Toleranz Budget (%)"), default=10, validators=[MaxValueValidator(100)]
    )
    margin_pct = models.PositiveSmallIntegerField(
        _("Marge (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
        help_text=_("Leer: die Marge des Kunden."),
    )

    # Hard filters: switched on per mandate; a candidate failing one is not ranked at all.
    require_availability = models.BooleanField(_("Muss zum Start (+ Flexibilität) verfügbar sein"), default=True)
    require_languages = models.BooleanField(_("Muss die Pflichtsprachen im Mindestniveau sprechen"), default=True)
    require_region = models.BooleanField(_("Muss die Region akzeptieren"), default=False)

    # Soft criteria weights; defaults live in mandates/matching/spec.py.
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
        permissions = [
            ("send_shortlist", _("Shortlist an den Kunden senden")),
            ("view_analytics", _("Auswertungen ansehen (Time-to-Mandate)")),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def weights(self):
        return {key: getattr(self, f"weight_{key}") for key in DEFAULT_WEIGHTS}

    def effective_margin_pct(self):
        """The mandate's own margin, else its client's."""
        return self.margin_pct if self.margin_pct is not None else self.company.margin_pct

    def default_client_price(self, manager):
        """What the client is offered for ``manager`` unless staff set another price: their rate plus the margin,
        in whole euros (half up); None while the manager names no rate."""
        rate = manager.day_rate_target if manager.day_rate_target is not None else manager.day_rate_min
        if rate is None:
            return None
        price = Decimal(rate) * (100 + self.effective_margin_pct()) / 100
        return int(price.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    def check_contacts(self, contacts):
        """The rule "a mandate's contacts are contacts of its client company", for forms and services.

        The database holds it too (a trigger on PostgreSQL, see migration 0007) and ``mandates.receivers`` guards
        every ``contacts.add`` in code, so SQLite obeys it as well.
        """
        foreign = [contact for contact in contacts if contact.company_id != self.company_id]
        if foreign:
            raise ValidationError(
                _("Nur Ansprechpartner von %(company)s können diesem Mandat zugeordnet werden (nicht: %(names)s).")
                % {"company": self.company, "names": ", ".join(str(contact) for contact in foreign)},
                code="foreign_contact",
            )


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


class CandidacyQuerySet(models.QuerySet):
    def presented(self):
        """Candidacies that ever went to the client on a shortlist (a card or, later, a minimal record)."""
        return self.filter(presented_at__isnull=False)

    def shown_to_client(self):
        """Candidacies the client may open (card, CV, answer): presented, still in the race, on an open mandate.

        Withdrawn, declined or placed candidates and every candidate of a closed mandate are out: the client keeps
        only the minimal record (``mandates.presenters.client_candidate_view``).
        """
        return self.presented().filter(stage__in=Candidacy.SHOWN_STAGES, mandate__status__in=Mandate.OPEN_STATUSES)


class DeclineReason(models.TextChoices):
    """What a manager who was not chosen is told: neutral sentences staff pick (and may edit), never the client's
    own words, which stay with staff."""

    OTHER_FOCUS = "other_focus", _("Der Kunde hat sich für ein Profil mit anderem Schwerpunkt entschieden.")
    INDUSTRY = "industry", _("Der Kunde sucht Erfahrung in einer anderen Branche oder Unternehmensgröße.")
    TIMING = "timing", _("Starttermin oder zeitlicher Umfang passen für dieses Mandat nicht zusammen.")
    TERMS = "terms", _("Die Konditionen passen für dieses Mandat nicht zusammen.")
    OTHER_CANDIDATE = "other_candidate", _("Der Kunde hat sich für eine andere Person entschieden.")
    ON_HOLD = "on_hold", _("Der Kunde hat das Vorhaben zurückgestellt.")
    GENERAL = "general", _("Der Kunde hat sich gegen eine Zusammenarbeit entschieden.")


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
    # Stages in which a presented candidate is in front of the client (card, CV once released, answer form).
    SHOWN_STAGES = (Stage.PRESENTED, Stage.INTERVIEW)

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="candidacies")
    manager = models.ForeignKey(ManagerProfile, on_delete=models.CASCADE, related_name="candidacies")
    stage = models.CharField(_("Phase"), max_length=12, choices=Stage.choices, default=Stage.PROPOSED)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    note_for_client = limits.bounded_text(
        _("Unsere Einschätzung (für den Kunden)"),
        max_length=4000,
        blank=True,
        help_text=_("Erscheint auf der Karte des Kunden; ohne Namen und Arbeitgeber, solange nicht freigegeben."),
    )
    score = models.FloatField(_("Score"), null=True, blank=True)
    score_detail = models.JSONField(default=dict, blank=True, editable=False)
    show_score_to_client = models.BooleanField(_("Punktzahl dem Kunden zeigen"), default=False)
    client_price = models.PositiveIntegerField(
        _("Tagessatz für den Kunden (EUR)"),
        null=True,
        blank=True,
        validators=limits.day_rate_bounds(),
        help_text=_("Was der Kunde angeboten bekommt; der Manager sieht diesen Preis nie."),
    )

    # Consent, presentation and release (see the module docstring). Set only by the services, never in a form.
    consent_at = models.DateTimeField(_("Zustimmung seit"), null=True, blank=True, editable=False)
    presented_at = models.DateTimeField(_("Dem Kunden vorgestellt am"), null=True, blank=True, editable=False)
    client_number = models.PositiveSmallIntegerField(_("Nummer beim Kunden"), null=True, blank=True, editable=False)
    released_at = models.DateTimeField(_("Identität freigegeben am"), null=True, blank=True, editable=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("Freigegeben von"),
    )
    # The CV as it was at release: a private copy only this client gets; deleted when their access ends.
    released_cv_file = models.CharField(max_length=200, blank=True, editable=False)
    released_cv_name = models.CharField(_("Freigegebener Lebenslauf"), max_length=200, blank=True, editable=False)
    # When staff told this manager which client the mandate is for (in a consent request or at placement).
    client_revealed_at = models.DateTimeField(_("Kunde genannt am"), null=True, blank=True, editable=False)

    manager_response = models.CharField(max_length=16, choices=Response.choices, blank=True, default="")
    manager_response_reason = models.CharField(max_length=200, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    client_wants_meeting = models.BooleanField(null=True, blank=True)
    client_feedback = limits.bounded_text(_("Rückmeldung des Kunden"), max_length=2000, blank=True)
    client_feedback_at = models.DateTimeField(null=True, blank=True)

    # What the manager is told when not chosen: a neutral reason staff picked, optionally reworded.
    manager_reason = models.CharField(
        _("Begründung für den Manager"), max_length=20, choices=DeclineReason.choices, blank=True, editable=False
    )
    manager_reason_text = models.CharField(
        _("Eigener Wortlaut für den Manager"), max_length=300, blank=True, editable=False
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidacyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "manager"], name="one_candidacy_per_manager"),
            # Whoever is in front of the client agreed to it and went out on a shortlist.
            models.CheckConstraint(
                condition=~Q(stage__in=["presented", "interview"]) | Q(consent_at__isnull=False),
                name="candidacy_shown_only_with_consent",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["presented", "interview"]) | Q(presented_at__isnull=False),
                name="candidacy_shown_only_when_presented",
            ),
            # Released only what was presented (and, while shown, consented to, by the first constraint).
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(presented_at__isnull=False),
                name="candidacy_released_only_when_presented",
            ),
        ]
        verbose_name = _("Kandidatur")
        verbose_name_plural = _("Kandidaturen")
        permissions = [
            ("send_consent_request", _("Zustimmungsanfrage an einen Manager senden")),
            ("release_candidate", _("Identität eines Kandidaten für den Kunden freigeben")),
            ("record_placement", _("Platzierung erfassen")),
        ]

    def __str__(self):
        return f"{self.manager} → {self.mandate}"

    @property
    def has_consent(self):
        return self.consent_at is not None

    @property
    def score_percent(self):
        return percent(self.score)

    @property
    def is_shown_to_client(self):
        return (
            self.presented_at is not None
            and self.stage in self.SHOWN_STAGES
            and self.mandate.status in Mandate.OPEN_STATUSES
        )

    @property
    def manager_rate(self):
        """The manager's own rate as staff compare it with the client price (target, else minimum)."""
        profile = self.manager
        return profile.day_rate_target if profile.day_rate_target is not None else profile.day_rate_min

    @property
    def margin_pct(self):
        """The margin the client price carries over the manager's rate, for staff; None if either is unknown."""
        rate = self.manager_rate
        if not rate or self.client_price is None:
            return None
        return percent((self.client_price / rate - 1) * 100)

    def manager_message(self):
        """What a manager who was not chosen reads: staff's own wording, else the neutral reason they picked."""
        if self.manager_reason_text:
            return self.manager_reason_text
        return DeclineReason(self.manager_reason).label if self.manager_reason else ""


class StageChange(models.Model):
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Candidacy.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Candidacy.Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Internal: staff only. What a manager is told lives in ``Candidacy.manager_reason``.
    reason = models.CharField(_("Begründung (intern)"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Phasenwechsel")
        verbose_name_plural = _("Phasenwechsel")

    def __str__(self):
        return f"{self.from_stage or '–'} → {self.to_stage}"


class ConsentRequest(models.Model):
    """Staff ask a manager whether they may present them to the client of one mandate.

    Answered in the app or with the signed, expiring, single-use link in the mail (``mandates/consent.py``);
    ``closed_at`` makes every link to it stop working. At most one request per candidacy is open at a time.
    """

    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Zugestimmt")
        REFUSED = "refused", _("Abgelehnt")
        EXPIRED = "expired", _("Abgelaufen")

    class Channel(models.TextChoices):
        APP = "app", _("In der Übersicht")
        LINK = "link", _("Über den Link in der E-Mail")

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="consent_requests")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reveal_client = models.BooleanField(_("Kunden nennen"), default=False)
    sent_at = models.DateTimeField(_("Gesendet am"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("Von")
    )
    expires_at = models.DateTimeField(_("Gültig bis"))
    closed_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    outcome = models.CharField(_("Ergebnis"), max_length=8, choices=Outcome.choices, blank=True)
    channel = models.CharField(_("Antwort über"), max_length=4, choices=Channel.choices, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy"], condition=Q(closed_at__isnull=True), name="one_open_consent_request"
            )
        ]
        verbose_name = _("Zustimmungsanfrage")
        verbose_name_plural = _("Zustimmungsanfragen")

    def __str__(self):
        return f"{self.candidacy} ({self.sent_at:%Y-%m-%d})"

    def is_open(self, now=None):
        return self.closed_at is None and self.expires_at > (now or timezone.now())


class PresentationConsent(models.Model):
    """Proof that a manager agreed to be presented to the client of one mandate: who (the candidacy's manager),
    which mandate, when, how, which client if it was named, and the exact wording in force."""

    class Source(models.TextChoices):
        INTERESTED = "interested", _("Eigene Antwort „Ich bin interessiert“")
        REQUEST_APP = "request_app", _("Anfrage, in der Übersicht beantwortet")
        REQUEST_LINK = "request_link", _("Anfrage, über den E-Mail-Link beantwortet")

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="consents")
    source = models.CharField(_("Quelle"), max_length=12, choices=Source.choices)
    request = models.ForeignKey(
        ConsentRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("Anfrage")
    )
    given_at = models.DateTimeField(_("Erteilt am"), default=timezone.now)
    client_name = models.CharField(
        _("Genannter Kunde"), max_length=160, blank=True, help_text=_("Leer: der Kunde war nicht genannt.")
    )
    wording_version = models.CharField(_("Fassung des Wortlauts"), max_length=20)
    # The wording in force is written by the code (mandates/consent.py); the bound is far above it.
    wording = limits.bounded_text(_("Wortlaut"), max_length=10000)
    withdrawn_at = models.DateTimeField(_("Widerrufen am"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy"], condition=Q(withdrawn_at__isnull=True), name="one_valid_consent_per_candidacy"
            )
        ]
        verbose_name = _("Zustimmung zur Vorstellung")
        verbose_name_plural = _("Zustimmungen zur Vorstellung")

    def __str__(self):
        return f"{self.candidacy} ({self.given_at:%Y-%m-%d})"


class Placement(models.Model):
    """A manager got the mandate: the event time-to-mandate is measured on."""

    mandate = models.OneToOneField(Mandate, on_delete=models.PROTECT, related_name="placement")
    # SET_NULL: when a manager erases their account the placement stays, anonymous, for the statistics.
    manager = models.ForeignKey(ManagerProfile, null=True, on_delete=models.SET_NULL, related_name="placements")
    placed_at = models.DateTimeField(_("Platziert am"), default=timezone.now)
    starts_on = models.DateField(_("Start"), validators=[limits.not_before_earliest(), limits.within_five_years()])
    ends_on = models.DateField(
        _("Ende"), null=True, blank=True, validators=[limits.not_before_earliest(), limits.within_ten_years()]
    )
    # Both rates are required by ``placement_record``; NULL only on placements recorded before there were two.
    manager_day_rate = models.PositiveIntegerField(
        _("Tagessatz des Managers (EUR)"), null=True, blank=True, validators=limits.day_rate_bounds()
    )
    client_day_rate = models.PositiveIntegerField(
        _("Tagessatz für den Kunden (EUR)"), null=True, blank=True, validators=limits.day_rate_bounds()
    )

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
    in one integer space (``mandates/matching/tags.py``); each process ranks from a columnar copy of these rows
    (``mandates/matching/columns.py``). Rows are derived data: ``mandates/matching/index.py`` rebuilds them, and a
    row marked ``stale`` is rebuilt before the next ranking or pool search reads it.
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


class IndexChange(models.Model):
    """The change log of everything matching reads: one row per written ``CandidateIndex`` row (kind "p") and per
    written mandate brief row (kind "m": the mandate, its skills, industries and languages).

    Written by database triggers (migration 0014), so no write path can miss it: services, admin, bulk SQL alike.
    Each process keeps an in-memory copy of the index and of the open mandates' facts and, before using them,
    applies the rows written since it last looked (``mandates/matching/changes.py``). ``txid`` is the writing
    transaction (PostgreSQL); rows older than a day are pruned (``jobs.prune_index_changes``).
    """

    kind = models.CharField(max_length=1)
    object_id = models.IntegerField()
    txid = models.BigIntegerField(null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["txid"], name="indexchange_txid"),
            models.Index(fields=["at"], name="indexchange_at"),
        ]

    def __str__(self):
        return f"{self.kind}{self.object_id}"


class AnalyticsSnapshot(models.Model):
    """The provider-wide figures of one day, kept so the staff page can show how they move over time.

    The one derived number that is stored: computed from the facts as they stood at the end of ``day``
    (``mandates.analytics.snapshots``), so a recomputation for the same day gives the same figures.
    """

    day = models.DateField(_("Tag"), unique=True)
    computed_at = models.DateTimeField(_("Berechnet am"), default=timezone.now)
    figures = models.JSONField(_("Kennzahlen"), default=dict)

    class Meta:
        ordering = ["day"]
        verbose_name = _("Kennzahlen-Stand")
        verbose_name_plural = _("Kennzahlen-Stände")

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"
