"""The registry: regions, facilities, persons with every name variant, dated events, sources.

Rows are written only through `kintrace.registry.services`; reads go through selectors.
Dates are stored as year/month/day plus a precision, because "March 1987" is not 1 March 1987.
"""

from typing import Literal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    UNKNOWN = "", _("unknown")
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


def sort_key(year: int | None, month: int | None, day: int | None) -> int:
    """One integer that orders partial dates: missing parts count as the start of the span."""
    return (year or 0) * 10000 + (month or 0) * 100 + (day or 0)


class Region(models.Model):
    """A federal subject of Russia or an occupied Ukrainian region, from the names gazetteer."""

    code = models.CharField(max_length=16, primary_key=True)
    kind = models.CharField(max_length=32, blank=True)
    name_ru = models.CharField(max_length=128)
    short_ru = models.CharField(max_length=128, blank=True)
    name_en = models.CharField(max_length=128)
    federal_district = models.CharField(max_length=64, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name_ru


class FacilityType(models.TextChoices):
    IK = "ИК", _("penal colony (ИК)")
    LIU = "ЛИУ", _("medical correctional facility (ЛИУ)")
    KP = "КП", _("colony-settlement (КП)")
    SIZO = "СИЗО", _("pre-trial detention centre (СИЗО)")
    VK = "ВК", _("juvenile colony (ВК)")
    LPU = "ЛПУ", _("medical institution (ЛПУ)")
    IC = "ИЦ", _("correctional centre (ИЦ)")


class Regime(models.TextChoices):
    UNKNOWN = "", _("unknown")
    GENERAL = "general", _("general regime")
    STRICT = "strict", _("strict regime")
    SPECIAL = "special", _("special regime")
    SETTLEMENT = "settlement", _("settlement")
    TREATMENT = "treatment", _("medical")


class Facility(models.Model):
    type = models.CharField(_("type"), max_length=8, choices=FacilityType.choices)
    number = models.CharField(_("number"), max_length=16)
    regime = models.CharField(_("regime"), max_length=16, choices=Regime.choices, blank=True)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("region"),
    )
    official_name = models.CharField(_("official name"), max_length=300, blank=True)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["type", "region_id", "number"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(
                fields=["type", "number", "region"], name="facility_unique_type_number_region"
            ),
            # NULL never equals NULL in a unique index, so facilities without a region need
            # their own partial index (works on SQLite and PostgreSQL alike).
            models.UniqueConstraint(
                fields=["type", "number"],
                condition=Q(region__isnull=True),
                name="facility_unique_type_number_no_region",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.type}-{self.number}"
        region = self.region if self.region_id else None  # no query without a region
        if region is not None:
            label += f" ({region.short_ru or region.name_ru})"
        return label


class Sex(models.TextChoices):
    UNKNOWN = "", _("unknown")
    MALE = "m", _("male")
    FEMALE = "f", _("female")


# What a service takes for a sex: a member of Sex or its stored value (kintrace.names's
# SexCode, or "" for unknown)
SexValue = Sex | Literal["m", "f", ""]


class PersonStatus(models.TextChoices):
    ALIVE = "alive", _("believed alive")
    WOUNDED = "wounded", _("wounded")
    CAPTURED = "captured", _("captured")
    MISSING = "missing", _("missing")
    DEAD = "dead", _("dead")
    RETURNED = "returned", _("returned")
    UNKNOWN = "unknown", _("unknown")


class Person(models.Model):
    # Set on the rows registry.search.search_persons returns (not columns)
    search_score: float
    matched_name: "PersonName | None"
    search_reasons: list[str]

    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, blank=True, default=""
    )
    # "около 1985": shown as approximate and never compared as a known year by the matching.
    birth_approximate = models.BooleanField(default=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="m")
    call_sign = models.CharField(_("call sign"), max_length=100, blank=True)
    token_number = models.CharField(_("token number"), max_length=100, blank=True)
    # How search meets what a caseworker types (registry.search.call_sign_key / code_key);
    # kept by the services beside the fields they key.
    call_sign_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    token_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    last_facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="persons",
        verbose_name=_("last known facility"),
    )
    # A facility named in text that fits more than one registry facility ("ИК-6" with no
    # region): kept as written until someone chooses (facility_resolve), never guessed.
    last_facility_text = models.CharField(max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Derived by person_status_refresh() from the person's events; never edited directly.
    status = models.CharField(
        max_length=16, choices=PersonStatus.choices, default=PersonStatus.UNKNOWN, db_index=True
    )
    status_reason = models.TextField(blank=True)
    status_event = models.ForeignKey(
        "Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["birth_year"], name="person_birth_year")]

    def __str__(self) -> str:
        name = self.primary_name
        return name.full_text if name else f"#{self.pk}"

    def set_search_keys(self) -> None:
        """Derive call_sign_key and token_key from the fields; services call it before save."""
        from .search import call_sign_key, code_key  # cycle: models -> search -> models

        self.call_sign_key = call_sign_key(self.call_sign)
        self.token_key = code_key(self.token_number)

    @property
    def primary_name(self):
        """The primary name; uses prefetched names when a selector loaded them."""
        names = list(self.names.all())
        for n in names:
            if n.is_primary:
                return n
        return names[0] if names else None

    @property
    def birth_date_display(self) -> str:
        return date_display(
            self.birth_year, self.birth_month, self.birth_day, self.birth_approximate
        )


def date_display(
    year: int | None, month: int | None, day: int | None, approximate: bool = False
) -> str:
    """The date as precise as it is known: 1987, 03.1987 or 14.03.1987; "about 1987" (in
    the active language) when approximate. The text reads back through the date parser."""
    if not year:
        return ""
    if month and day:
        text = f"{day:02d}.{month:02d}.{year}"
    elif month:
        text = f"{month:02d}.{year}"
    else:
        text = str(year)
    return gettext("about %(date)s") % {"date": text} if approximate else text


class Script(models.TextChoices):
    CYRILLIC = "cyrl", _("Cyrillic")
    LATIN = "latn", _("Latin")
    MIXED = "mixed", _("mixed")
    OTHER = "", _("other")


class SourceKind(models.TextChoices):
    RELATIVE_REPORT = "relative_report", _("relative's report")
    MEDIA_ARTICLE = "media_article", _("media article")
    OFFICIAL_LIST = "official_list", _("official list")
    SOCIAL_POST = "social_post", _("social-media post")
    DOCUMENT = "document", _("document")
    PHONE_CALL = "phone_call", _("phone call")


class Reliability(models.TextChoices):
    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class Credibility(models.IntegerChoices):
    CONFIRMED = 1, _("1 — confirmed by other sources")
    PROBABLE = 2, _("2 — probably true")
    POSSIBLE = 3, _("3 — possibly true")
    DOUBTFUL = 4, _("4 — doubtful")
    IMPROBABLE = 5, _("5 — improbable")
    UNKNOWN = 6, _("6 — truth cannot be judged")


# The Admiralty grades that count as "well-sourced" when deriving a person's status.
WELL_SOURCED_RELIABILITY = ("A", "B", "C")
WELL_SOURCED_CREDIBILITY = (1, 2, 3)


class Source(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    date_year = models.PositiveSmallIntegerField(null=True, blank=True)
    date_month = models.PositiveSmallIntegerField(null=True, blank=True)
    date_day = models.PositiveSmallIntegerField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, blank=True, default=""
    )
    date_approximate = models.BooleanField(default=False)
    reliability = models.CharField(
        _("reliability"), max_length=1, choices=Reliability.choices, default=Reliability.F
    )
    credibility = models.PositiveSmallIntegerField(
        _("credibility"), choices=Credibility.choices, default=Credibility.UNKNOWN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return f"{self.title} [{self.grade}]"

    @property
    def grade(self) -> str:
        """The Admiralty grade, e.g. "B2"."""
        return f"{self.reliability}{self.credibility}"

    @property
    def well_sourced(self) -> bool:
        return (
            self.reliability in WELL_SOURCED_RELIABILITY
            and self.credibility in WELL_SOURCED_CREDIBILITY
        )

    @property
    def date_display(self) -> str:
        return date_display(self.date_year, self.date_month, self.date_day, self.date_approximate)


class PersonName(models.Model):
    """One way the person's name was written, with its parsed parts and comparison keys."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    full_text = models.CharField(_("name as written"), max_length=300)
    script = models.CharField(max_length=8, choices=Script.choices, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    given = models.CharField(max_length=100, blank=True)
    patronymic = models.CharField(max_length=100, blank=True)
    given_initial = models.CharField(max_length=4, blank=True)
    patronymic_initial = models.CharField(max_length=4, blank=True)
    # Comparison keys from kintrace.names: the same for every script, case and inflection.
    surname_key = models.CharField(max_length=100, blank=True, db_index=True)
    given_key = models.CharField(max_length=100, blank=True, db_index=True)
    patronymic_key = models.CharField(max_length=100, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="person_names"
    )
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        indexes = [models.Index(fields=["surname_key", "given_key"], name="personname_keys")]

    def __str__(self) -> str:
        return self.full_text


class EventType(models.TextChoices):
    OFFERED = "offered", _("offered")
    APPLIED = "applied", _("applied")
    SELECTED = "selected", _("selected")
    QUARANTINED = "quarantined", _("quarantined")
    TRANSFERRED = "transferred", _("transferred")
    TRAINING = "training", _("training")
    DEPLOYED = "deployed", _("deployed")
    CONTACT = "contact", _("contact")
    DOCUMENTS_REQUESTED = "documents_requested", _("documents requested")
    PAYMENT_PROMISED = "payment_promised", _("payment promised")
    PAYMENT_RECEIVED = "payment_received", _("payment received")
    PAYMENT_MISSING = "payment_missing", _("payment missing")
    WOUNDED = "wounded", _("wounded")
    HOSPITALISED = "hospitalised", _("hospitalised")
    CAPTURED = "captured", _("captured")
    KILLED = "killed", _("killed")
    MISSING = "missing", _("missing")
    BODY_RETURNED = "body_returned", _("body returned")
    BURIED = "buried", _("buried")
    DECLARED_DEAD_BY_COURT = "declared_dead_by_court", _("declared dead by a court")
    PARDONED = "pardoned", _("pardoned")
    RETURNED_HOME = "returned_home", _("returned home")
    OTHER = "other", _("other")


class Event(models.Model):
    # Set on the rows registry.selectors.person_timeline returns: the person's part (not columns)
    role: str
    role_label: str

    type = models.CharField(_("type"), max_length=32, choices=EventType.choices, db_index=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    start_month = models.PositiveSmallIntegerField(null=True, blank=True)
    start_day = models.PositiveSmallIntegerField(null=True, blank=True)
    start_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, blank=True, default=""
    )
    start_approximate = models.BooleanField(default=False)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_month = models.PositiveSmallIntegerField(null=True, blank=True)
    end_day = models.PositiveSmallIntegerField(null=True, blank=True)
    end_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, blank=True, default=""
    )
    end_approximate = models.BooleanField(default=False)
    # sort_key() of the start date, kept by the services so timelines order in SQL.
    start_sort = models.IntegerField(default=0, db_index=True)
    facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("facility"),
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("region"),
    )
    # As for Person.last_facility_text: an ambiguous facility, as written, until resolved.
    facility_text = models.CharField(max_length=300, blank=True)
    place_text = models.CharField(_("place"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    persons = models.ManyToManyField(Person, through="EventPerson", related_name="events")
    sources = models.ManyToManyField(Source, through="Citation", related_name="events")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_sort", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.date_display}".strip()

    @property
    def start_display(self) -> str:
        return date_display(
            self.start_year, self.start_month, self.start_day, self.start_approximate
        )

    @property
    def end_display(self) -> str:
        return date_display(self.end_year, self.end_month, self.end_day, self.end_approximate)

    @property
    def date_display(self) -> str:
        start, end = self.start_display, self.end_display
        return f"{start} – {end}" if end else start


class EventRole(models.TextChoices):
    SUBJECT = "subject", _("subject")
    MENTIONED = "mentioned", _("mentioned")


class EventPerson(models.Model):  # noqa: DJ008 - a link row, shown through its ends
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="event_links")
    role = models.CharField(max_length=16, choices=EventRole.choices, default=EventRole.SUBJECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="eventperson_unique")
        ]


class Citation(models.Model):  # noqa: DJ008 - a link row, shown through its ends
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(_("quote"), blank=True)

    class Meta:
        ordering = ["id"]


class EventDeletion(models.Model):
    """A deleted event, kept whole so it can be restored: the event's row and every row that
    pointed at it (persons, citations, conflicts, list entries), as they were. The event itself
    leaves the events table, so no reader can count it by mistake."""

    event_id = models.BigIntegerField(db_index=True)
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    date_display = models.CharField(max_length=100, blank=True)
    # The persons it was about, to show the deletion in their history.
    persons = models.ManyToManyField(Person, related_name="event_deletions")
    snapshot = models.JSONField()
    reason = models.TextField(blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deleted_at = models.DateTimeField(auto_now_add=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"deleted event #{self.event_id}"

    @property
    def type_label(self) -> str:
        return str(EventType(self.event_type).label) if self.event_type in EventType.values else ""


class PersonDistinct(models.Model):
    """Someone decided these two persons are different men (person_a.pk < person_b.pk): the
    duplicate warning and the registry duplicate search never propose the pair again."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="persondistinct_once"),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="persondistinct_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"person {self.person_a_id} is not person {self.person_b_id}"


class ConflictState(models.TextChoices):
    OPEN = "open", _("open")
    DEATH_STANDS = "death_stands", _("the death stands")
    ALIVE_AFTER = "alive_after", _("he was alive after it")


class StatusConflict(models.Model):
    """A well-sourced death and a later sign of life of the same man (rule: registry/status.py).
    Open until a coordinator decides which of the two is wrong; the decision is what the
    status derivation then follows."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="conflicts")
    death_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    life_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=16, choices=ConflictState.choices, default=ConflictState.OPEN, db_index=True
    )
    note = models.TextField(blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "death_event", "life_event"], name="statusconflict_once"
            ),
        ]

    def __str__(self) -> str:
        return f"conflict #{self.pk}: event {self.death_event_id} vs {self.life_event_id}"


class DemoDataset(models.Model):  # noqa: DJ008 - one technical row, never shown
    """Present when `kintrace demo` loaded fictional data; the layout then shows a banner."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    persons = models.PositiveIntegerField(default=0)
    seed = models.IntegerField(default=0)
