"""Interim managers and the reference data that describes them (and mandates).

Reference data (functions, NACE industries, skills, languages, regions, countries) is loaded by data migrations
from the CSV files in ``managers/reference/``; its stable codes are natural keys. ``mandates`` depends on this
app, never the other way round.
"""

import uuid
import zoneinfo
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from manatnet import limits


def validate_linkedin_url(value):
    """A LinkedIn address: https, on linkedin.com or one of its subdomains, no user name, password or odd port.

    Checked by host, not by substring: "https://evil.example/?linkedin.com/" or "https://linkedin.com.evil.example"
    are not LinkedIn, and neither is a link that would log the visitor in somewhere.
    """
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        port = -1
    host = (parts.hostname or "").lower() if port != -1 else ""
    if (
        parts.scheme != "https"
        or parts.username
        or parts.password
        or port not in (None, 443)
        or not (host == "linkedin.com" or host.endswith(".linkedin.com"))
    ):
        raise ValidationError(
            _("Bitte geben Sie die Adresse Ihres LinkedIn-Profils an."),
            code="linkedin",
        )


class Labelled(models.Model):
    """A reference row with a German and an English label; ``name`` follows the active language."""

    name_de = models.CharField(_("Name (Deutsch)"), max_length=200)
    name_en = models.CharField(_("Name (English)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self):
        return self.name_en if (get_language() or "de").startswith("en") else self.name_de

    def __str__(self):
        return self.name


class Function(Labelled):
    code = models.SlugField(_("Code"), max_length=40, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Funktion")
        verbose_name_plural = _("Funktionen")


class Industry(Labelled):
    """A NACE Rev. 2 section (``C``) or division (``28``), with its official code."""

    code = models.CharField(_("NACE-Code"), max_length=4, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="divisions")

    class Meta:
        ordering = ["id"]
        verbose_name = _("Branche (NACE)")
        verbose_name_plural = _("Branchen (NACE)")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_section(self):
        return self.parent_id is None


class SkillGroup(Labelled):
    code = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Kompetenzgruppe")
        verbose_name_plural = _("Kompetenzgruppen")


class Skill(Labelled):
    slug = models.SlugField(_("Kennung"), max_length=60, unique=True)
    group = models.ForeignKey(SkillGroup, on_delete=models.PROTECT, related_name="skills")

    class Meta:
        ordering = ["group_id", "id"]
        verbose_name = _("Kompetenz")
        verbose_name_plural = _("Kompetenzen")


class Language(Labelled):
    code = models.CharField(_("ISO 639-1"), max_length=2, unique=True)

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("Sprache")
        verbose_name_plural = _("Sprachen")


class Country(Labelled):
    code = models.CharField(_("ISO 3166-1"), max_length=2, unique=True)

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("Land")
        verbose_name_plural = _("Länder")


class Region(Labelled):
    """German federal states, the DACH countries, the EU and "worldwide", nested by ``parent``.

    A manager who accepts a region accepts everything inside it: accepting ``DE`` covers ``DE-BY``.
    """

    class Kind(models.TextChoices):
        STATE = "state", _("Bundesland")
        COUNTRY = "country", _("Land")
        AREA = "area", _("Gebiet")

    code = models.CharField(_("Code"), max_length=8, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["id"]
        verbose_name = _("Region")
        verbose_name_plural = _("Regionen")

    def ancestor_ids(self):
        """This region's id and those of every region containing it (a handful of rows, cached per instance)."""
        if not hasattr(self, "_ancestor_ids"):
            ids, node = [], self
            while node is not None:
                ids.append(node.id)
                node = node.parent
            self._ancestor_ids = ids
        return self._ancestor_ids


class CEFR(models.IntegerChoices):
    """Language levels as integers, so "at least C1" is a plain comparison."""

    A1 = 1, "A1"
    A2 = 2, "A2"
    B1 = 3, "B1"
    B2 = 4, "B2"
    C1 = 5, "C1"
    C2 = 6, "C2"
    NATIVE = 7, _("Muttersprache")


@lru_cache(maxsize=1)
def time_zone_choices():
    """Every IANA time zone this system knows (the platform's own always among them), for managers abroad."""
    names = zoneinfo.available_timezones() | {settings.TIME_ZONE}
    return [(name, name.replace("_", " ")) for name in sorted(names)]


class ManagerProfileQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=ManagerProfile.Status.ACTIVE)

    def stale_availability(self, days=60):
        """Active managers whose availability was not confirmed for ``days`` days, or whose date has passed."""
        cutoff = timezone.now() - timezone.timedelta(days=days)
        return self.active().filter(
            Q(availability_confirmed_at__lt=cutoff)
            | Q(availability_confirmed_at__isnull=True)
            | Q(available_from__lt=timezone.localdate())
        )


class ManagerProfile(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktiv")
        PAUSED = "paused", _("Pausiert")
        PLACED = "placed", _("Im Mandat")
        LEFT = "left", _("Ausgeschieden")

    class Notify(models.TextChoices):
        INSTANT = "instant", _("Sofort")
        DAILY = "daily", _("Tägliche Zusammenfassung")
        NEVER = "never", _("Keine")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_profile")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    # Contact
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    linkedin_url = models.URLField(_("LinkedIn-Profil"), blank=True, validators=[validate_linkedin_url])
    city = models.CharField(_("Wohnort"), max_length=100, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=10, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Land"))
    home_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("Heimatregion")
    )

    # Positioning
    headline = models.CharField(_("Kurzprofil"), max_length=160, blank=True)
    summary = limits.bounded_text(_("Zusammenfassung / USP"), max_length=4000, blank=True)
    functions = models.ManyToManyField(Function, blank=True, verbose_name=_("Funktionen"))
    industries = models.ManyToManyField(Industry, blank=True, verbose_name=_("Branchen"))
    skills = models.ManyToManyField(Skill, blank=True, verbose_name=_("Kompetenzen"))

    # Mobility
    accepted_regions = models.ManyToManyField(
        Region, blank=True, related_name="accepting_managers", verbose_name=_("Einsatzregionen")
    )
    remote_share = models.PositiveSmallIntegerField(
        _("Gewünschter Remote-Anteil (%)"), default=20, validators=[MaxValueValidator(100)]
    )

    # Availability and rate
    available_from = models.DateField(
        _("Verfügbar ab"),
        null=True,
        blank=True,
        validators=[limits.not_before_earliest(), limits.within_five_years()],
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("Tage pro Woche"), default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    availability_confirmed_at = models.DateTimeField(_("Verfügbarkeit bestätigt am"), null=True, blank=True)
    day_rate_min = models.PositiveIntegerField(
        _("Tagessatz minimal (EUR)"), null=True, blank=True, validators=limits.day_rate_bounds()
    )
    day_rate_target = models.PositiveIntegerField(
        _("Tagessatz Ziel (EUR)"), null=True, blank=True, validators=limits.day_rate_bounds()
    )

    # CV: stored under PRIVATE_MEDIA_ROOT with a random name, served only by an authorising view.
    cv_file = models.CharField(max_length=200, blank=True, editable=False)
    cv_original_name = models.CharField(_("Lebenslauf"), max_length=200, blank=True, editable=False)
    cv_uploaded_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Lifecycle: facts that time-to-mandate is computed from.
    registered_at = models.DateTimeField(_("Registriert am"), default=timezone.now, db_index=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(default=timezone.now)
    left_reason = models.CharField(_("Grund des Ausscheidens"), max_length=200, blank=True)
    # The first moment the profile was complete enough to present (``completeness.READY_SCORE``), set once.
    completed_at = models.DateTimeField(_("Profil vollständig seit"), null=True, blank=True, editable=False)

    # Preferences
    notify_matches = models.CharField(
        _("Mandatsvorschläge"), max_length=10, choices=Notify.choices, default=Notify.INSTANT
    )
    email_language = models.CharField(_("Sprache der E-Mails"), max_length=2, choices=settings.LANGUAGES, default="de")
    # The daily digest goes out in the morning of this zone (NOTIFY_DIGEST_HOUR).
    time_zone = models.CharField(_("Zeitzone"), max_length=64, choices=time_zone_choices, default="Europe/Berlin")

    objects = ManagerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("Interim Manager")
        verbose_name_plural = _("Interim Manager")
        indexes = [models.Index(fields=["status", "available_from"])]
        permissions = [("view_manager_cv", _("Lebenslauf eines Managers herunterladen"))]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.user.get_full_name() or self.user.email

    def availability_is_past(self, today=None):
        today = today or timezone.localdate()
        return self.available_from is not None and self.available_from < today

    def completeness(self):
        """How complete the profile is (0–100) and what to do next; weights are documented in ``completeness.py``."""
        from .completeness import profile_completeness

        return profile_completeness(self)


class ManagerStatusChange(models.Model):
    """Every change of a manager's status, with when and why: the event log behind time-to-mandate."""

    profile = models.ForeignKey(ManagerProfile, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=ManagerProfile.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ManagerProfile.Status.choices)
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Statuswechsel")
        verbose_name_plural = _("Statuswechsel")

    def __str__(self):
        return f"{self.from_status or '–'} → {self.to_status}"


class LanguageSkill(models.Model):
    profile = models.ForeignKey(ManagerProfile, on_delete=models.CASCADE, related_name="language_skills")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, verbose_name=_("Sprache"))
    level = models.PositiveSmallIntegerField(_("Niveau"), choices=CEFR.choices)

    class Meta:
        ordering = ["-level", "id"]
        constraints = [models.UniqueConstraint(fields=["profile", "language"], name="one_level_per_language")]
        verbose_name = _("Sprachkenntnis")
        verbose_name_plural = _("Sprachkenntnisse")

    def __str__(self):
        return f"{self.language} {self.get_level_display()}"


class MandateHistoryEntry(models.Model):
    """One past mandate or position on the manager's CV."""

    class CompanySize(models.TextChoices):
        SMALL = "s", _("bis 50 Mitarbeitende")
        MEDIUM = "m", _("50 bis 250 Mitarbeitende")
        LARGE = "l", _("250 bis 1.000 Mitarbeitende")
        XLARGE = "xl", _("über 1.000 Mitarbeitende")

    profile = models.ForeignKey(ManagerProfile, on_delete=models.CASCADE, related_name="history")
    role = models.CharField(_("Rolle"), max_length=120)
    company = models.CharField(_("Unternehmen (oder Beschreibung)"), max_length=160, blank=True)
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Branche"))
    company_size = models.CharField(_("Unternehmensgröße"), max_length=2, choices=CompanySize.choices, blank=True)
    started_on = models.DateField(_("Von"), validators=[limits.not_before_earliest(), limits.not_after_today()])
    ended_on = models.DateField(
        _("Bis"), null=True, blank=True, validators=[limits.not_before_earliest(), limits.within_ten_years()]
    )
    outcome = limits.bounded_text(_("Ergebnis"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("Mandatshistorie")
        verbose_name_plural = _("Mandatshistorie")

    def __str__(self):
        return f"{self.role} ({self.started_on:%Y})"

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("Das Ende darf nicht vor dem Beginn liegen.")})


class PrivacyConsent(models.Model):
    """Which version of the privacy notice a person accepted, and when (GDPR Art. 7(1): consent must be provable)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents")
    version = models.CharField(max_length=20)
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("Einwilligung Datenschutz")
        verbose_name_plural = _("Einwilligungen Datenschutz")

    def __str__(self):
        return f"{self.version} ({self.given_at:%Y-%m-%d})"


class ErasedManagerRecord(models.Model):
    """What statistics keep of a manager who deleted their account: no name, no contact, no free text.

    Registration is truncated to the month so the row cannot be joined back to a person by its timestamp; the
    first placement (from the status log) and the end keep time-to-mandate counting them as an anonymous
    observation: placed, or censored at ``ended_at``.
    """

    registered_at = models.DateTimeField(_("Registriert (Monat)"))
    first_placed_at = models.DateTimeField(_("Erstes Mandat am"), null=True, blank=True)
    ended_at = models.DateTimeField(_("Gelöscht am"), default=timezone.now)

    class Meta:
        ordering = ["-ended_at"]
        verbose_name = _("Gelöschtes Profil (anonym)")
        verbose_name_plural = _("Gelöschte Profile (anonym)")

    def __str__(self):
        return f"{self.registered_at:%Y-%m} → {self.ended_at:%Y-%m-%d}"

    @staticmethod
    def month_of(moment):
        """The month as the platform counts it (local time), so a registration at 00:30 on the 1st stays in it."""
        return timezone.localtime(moment).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
