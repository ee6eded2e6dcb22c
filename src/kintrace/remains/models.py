"""Unidentified remains (a body or a grave), what the family knows of a missing man, and the
proposed matches between the two with every exclusion and decision kept (docs/remains.md).

Rows are written only through `kintrace.remains.services`; reads go through selectors.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kintrace.registry.models import DatePrecision, Person, Region, Sex, Source, date_display


class RemainsKind(models.TextChoices):
    GRAVE = "grave", _("grave")
    BODY = "body", _("body")


class RemainsStatus(models.TextChoices):
    UNIDENTIFIED = "unidentified", _("unidentified")
    CANDIDATE = "candidate", _("candidate proposed")
    IDENTIFIED = "identified", _("identified")
    CLOSED = "closed", _("closed")


class Descriptors(models.Model):
    """The descriptors both sides share (INTERPOL DVI: post-mortem on a body, ante-mortem on
    a man). Tattoos are a list of {"text", "image", "location"}; belongings one per item."""

    height_min = models.PositiveSmallIntegerField(_("height from (cm)"), null=True, blank=True)
    height_max = models.PositiveSmallIntegerField(_("height to (cm)"), null=True, blank=True)
    hair = models.CharField(_("hair"), max_length=200, blank=True)
    tattoos = models.JSONField(_("tattoos"), default=list, blank=True)
    scars = models.TextField(_("scars"), blank=True)
    amputations = models.TextField(_("amputations"), blank=True)
    teeth = models.TextField(_("teeth"), blank=True)
    clothing = models.TextField(_("clothing"), blank=True)
    belongings = models.JSONField(_("belongings"), default=list, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)

    class Meta:
        abstract = True


class Remains(Descriptors):
    kind = models.CharField(_("kind"), max_length=8, choices=RemainsKind.choices)
    found_year = models.PositiveSmallIntegerField(null=True, blank=True)
    found_month = models.PositiveSmallIntegerField(null=True, blank=True)
    found_day = models.PositiveSmallIntegerField(null=True, blank=True)
    found_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, blank=True, default=""
    )
    found_approximate = models.BooleanField(default=False)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place_text = models.CharField(_("place"), max_length=300, blank=True)
    cemetery = models.CharField(_("cemetery or morgue"), max_length=300, blank=True)
    plot = models.CharField(_("plot or grave marker"), max_length=300, blank=True)
    token_text = models.CharField(
        _("token or number written on the grave"), max_length=100, blank=True
    )
    name_on_grave = models.CharField(_("name written on the grave"), max_length=300, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="m")
    age_min = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16,
        choices=RemainsStatus.choices,
        default=RemainsStatus.UNIDENTIFIED,
        db_index=True,
    )
    identified_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    identification_event_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("remains")
        verbose_name_plural = _("remains")

    def __str__(self) -> str:
        return f"R-{self.pk}"

    @property
    def found_display(self) -> str:
        return date_display(
            self.found_year, self.found_month, self.found_day, self.found_approximate
        )


class AnteMortem(Descriptors):
    """What is known of a missing man's body before death, entered by a caseworker."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="antemortem")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"ante-mortem of person #{self.person_id}"


class RemainsPhoto(models.Model):
    """A photo of the remains: three files encrypted under the photo's data key (the original
    as evidence, the pixels-only viewing copy, a blurred copy shown first); the data key is
    sealed to the organisation key. `meta` (encrypted) as for report attachments."""

    remains = models.ForeignKey(Remains, on_delete=models.CASCADE, related_name="photos")
    key_for_org = models.BinaryField()
    original_file = models.CharField(max_length=80)
    clean_file = models.CharField(max_length=80)
    blurred_file = models.CharField(max_length=80)
    meta = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"photo #{self.pk} of R-{self.remains_id}"


class CandidateState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    EXCLUDED = "excluded", _("excluded")
    REJECTED = "rejected", _("rejected")
    IDENTIFIED = "identified", _("identified, awaiting confirmation")
    CONFIRMED = "confirmed", _("identification confirmed")


class Basis(models.TextChoices):
    DNA = "dna", _("DNA")
    FINGERPRINTS = "fingerprints", _("fingerprints")
    DENTAL = "dental", _("dental records")
    DOCUMENTS = "documents", _("documents found with the body")
    FAMILY = "family", _("family recognition of belongings or body")
    OTHER = "other", _("other (described in the note)")


# Credibility of the identification record by its basis (reliability B: our reviewed record).
BASIS_CREDIBILITY = {
    Basis.DNA: 1,
    Basis.FINGERPRINTS: 1,
    Basis.DENTAL: 1,
    Basis.DOCUMENTS: 2,
    Basis.FAMILY: 3,
    Basis.OTHER: 3,
}


class RemainsCandidate(models.Model):
    """A man proposed for (or excluded from) remains by a match run, with the reasons; then
    the review: the decision, its basis and note, who decided and who confirmed."""

    remains = models.ForeignKey(Remains, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list)
    state = models.CharField(
        max_length=16, choices=CandidateState.choices, default=CandidateState.PROPOSED
    )
    basis = models.CharField(max_length=16, choices=Basis.choices, blank=True)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not columns: the reasons in words (selectors.remains_candidates) and the reports of his
    # family (the detail view), for the page.
    explained: list[dict]
    report_ids: list[int]

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["remains", "person"], name="remainscandidate_once")
        ]

    def __str__(self) -> str:
        return f"person #{self.person_id} for R-{self.remains_id}"


class FamilyAnswer(models.TextChoices):
    RECOGNISE = "recognise", _("I recognise it")
    UNSURE = "unsure", _("I am not sure")
    NOT_RECOGNISE = "not", _("I do not recognise it")


class FamilyReview(models.Model):
    """A family-safe selection from remains (descriptions of belongings, clothing and marks —
    text only, never a photo) shown to the relative of one report in their inbox, and their
    answer. Both are encrypted under the report's data key, like everything the relative
    sees and says; only the times are in clear (the staff pages list what awaits an answer)."""

    remains = models.ForeignKey(Remains, on_delete=models.CASCADE, related_name="family_reviews")
    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="+")
    # {"items": [{"label", "text"}], "note": str}
    selection = models.BinaryField()
    # {"answer": FamilyAnswer, "text": str}; empty until the relative answers.
    answer = models.BinaryField(blank=True, default=b"")
    answered_at = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-prepared_at", "-id"]

    def __str__(self) -> str:
        return f"family review #{self.pk} of R-{self.remains_id}"
