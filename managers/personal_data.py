"""How the models of ``managers`` handle personal data (``manatnet.privacy``); the purges are in retention.py."""

from manatnet import privacy

from . import export, retention  # noqa: F401  (retention registers its purges)
from .erasure import profile_erase
from .models import (
    Country,
    ErasedManagerRecord,
    Function,
    Industry,
    Language,
    LanguageSkill,
    ManagerProfile,
    ManagerStatusChange,
    MandateHistoryEntry,
    PrivacyConsent,
    Region,
    Skill,
    SkillGroup,
)

for model in (Function, Industry, SkillGroup, Skill, Language, Country, Region):
    privacy.not_personal(model, reason="reference data: the lists profiles and mandates choose from")
privacy.not_personal(
    ErasedManagerRecord,
    reason="anonymous by construction: the month of registration, the first placement and the end, no link to "
    "a person (what time-to-mandate keeps of an erased manager)",
)

privacy.personal(
    ManagerProfile,
    about="user",
    section="profile",
    export=export.profile_export,
    files=export.profile_files,
    withheld={"cv_file": "the CV's random storage name; the file itself is in the export"},
    erase=profile_erase,
    retention="as long as the account; RETENTION_LEFT_MANAGER_DAYS after the manager left",
)
privacy.personal(
    LanguageSkill,
    about="profile__user",
    section="languages",
    export=export.languages_export,
    retention="with the profile",
)
privacy.personal(
    MandateHistoryEntry,
    about="profile__user",
    section="mandate_history",
    export=export.history_export,
    retention="with the profile",
)
privacy.personal(
    ManagerStatusChange,
    about="profile__user",
    section="status_changes",
    export=export.status_changes_export,
    retention="with the profile",
)
privacy.personal(
    PrivacyConsent,
    about="user",
    section="privacy_consents",
    export=privacy.values("version", "given_at"),
    retention="with the account (proof of consent, GDPR Art. 7(1))",
)
