"""Imported lists, their entries, match runs with candidates, duplicate reviews and merges.

Rows are written only through `kintrace.lists.services`; reads go through selectors.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    HOSPITAL = "hospital", _("hospital admissions")
    CASUALTY = "casualty", _("casualty or obituary list")
    BURIAL = "burial", _("burials")
    PARDON = "pardon", _("pardons")
    COURT = "court", _("court declarations of death")
    OTHER = "other", _("other list")


# The registry event a confirmed entry of each kind of list becomes.
KIND_EVENT = {
    ListKind.HOSPITAL: "hospitalised",
    ListKind.CASUALTY: "killed",
    ListKind.BURIAL: "buried",
    ListKind.PARDON: "pardoned",
    ListKind.COURT: "declared_dead_by_court",
    ListKind.OTHER: "other",
}


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("waiting for the column mapping")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class JobFields(models.Model):
    """Who is running a long job and whether it is still alive: the process (host, boot,
    pid and the process's start time, so a reused pid is not mistaken for it) and a heartbeat
    it refreshes while it runs. A job whose process is gone or whose heartbeat is old is
    stale and gets marked failed (kintrace.lists.services.jobs)."""

    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    worker_boot = models.CharField(max_length=64, blank=True)
    worker_pid = models.IntegerField(null=True, blank=True)
    worker_start = models.FloatField(null=True, blank=True)
    # Set by Cancel while the job runs; the job stops at its next batch or phase.
    cancel_requested = models.BooleanField(default=False)

    class Meta:
        abstract = True


class ListQuerySet(models.QuerySet):
    def visible(self):
        """Lists a person may open as lists: everything but those being imported (their rows
        arrive in batches and are not a list until the import's last, short transaction)."""
        return self.exclude(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])


class PersonList(JobFields):
    """One imported file (or pasted text): where it came from, how it was read, how far the
    import got. While importing (queued/running) it is a job, not a list: no selector, count
    or match run sees it or its rows."""

    kind = models.CharField(_("kind"), max_length=16, choices=ListKind.choices)
    title = models.CharField(_("title"), max_length=500)
    # Created in the import's own transaction, from source_info, so a failed import leaves
    # no orphan source behind.
    source = models.ForeignKey(
        "registry.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lists",
        verbose_name=_("source"),
    )
    source_info = models.JSONField(default=dict)
    filename = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(default=0)
    encoding = models.CharField(max_length=16, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.DRAFT)
    phase = models.CharField(max_length=32, blank=True)
    progress_done = models.IntegerField(default=0)
    progress_total = models.IntegerField(default=0)
    # Every bad row as [line, reason]; nothing is imported while there is one.
    row_errors = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    entry_count = models.IntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ListQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("list")
        verbose_name_plural = _("lists")
        constraints = [
            # The same bytes are imported once: two uploads racing both reach "queued" only
            # if the database lets one of them.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(status__in=["queued", "running", "done"]),
                name="personlist_sha256_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def event_type(self) -> str:
        return KIND_EVENT[ListKind(self.kind)]


class DatedMixin(models.Model):
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_precision = models.CharField(max_length=8, blank=True, default="")
    event_year = models.PositiveSmallIntegerField(null=True, blank=True)
    event_month = models.PositiveSmallIntegerField(null=True, blank=True)
    event_day = models.PositiveSmallIntegerField(null=True, blank=True)
    event_precision = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        abstract = True


class EntryQuerySet(models.QuerySet):
    def visible(self):
        """Entries of imported lists only: the rows of a list still importing (or of a failed
        import, before they are deleted) are nobody's to read."""
        return self.filter(person_list__status=JobStatus.DONE)


class ListEntry(DatedMixin):
    """One row of a list: the original cells exactly as read, plus the fields taken from it."""

    person_list = models.ForeignKey(PersonList, on_delete=models.CASCADE, related_name="entries")
    line = models.IntegerField()
    raw = models.JSONField()
    name = models.CharField(max_length=300)
    surname = models.CharField(max_length=100, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    patronymic = models.CharField(max_length=100, blank=True)
    birth_text = models.CharField(max_length=100, blank=True)
    facility_text = models.CharField(max_length=300, blank=True)
    region_text = models.CharField(max_length=200, blank=True)
    event_text = models.CharField(max_length=100, blank=True)
    place_text = models.CharField(max_length=300, blank=True)
    # The person this entry turned out to be (confirmed match or new person).
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "registry.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["person_list", "line"]
        constraints = [
            models.UniqueConstraint(fields=["person_list", "line"], name="listentry_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_list_id}:{self.line} {self.name}"


class MatchRun(JobFields):
    """One run of the matching engine: a list against the registry, or the registry
    against itself (person_list is None)."""

    person_list = models.ForeignKey(
        PersonList, null=True, blank=True, on_delete=models.CASCADE, related_name="runs"
    )
    threshold = models.FloatField()
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField(max_length=32, blank=True)
    records_left = models.IntegerField(default=0)
    records_right = models.IntegerField(default=0)
    candidate_count = models.IntegerField(default=0)
    # The prior the probabilities were computed at (a list run): the share of the list's
    # entries expected to be registry persons, the list kind's starting share it was
    # estimated from, and the share of full-name agreements in this data that are namesakes.
    expected_share = models.FloatField(null=True, blank=True)
    share_start = models.FloatField(null=True, blank=True)
    namesake_share = models.FloatField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live run per list, and one registry duplicate search (person_list NULL,
            # counted as 0): a second press at the same moment is refused by the database.
            models.UniqueConstraint(
                Coalesce("person_list", Value(0)),
                name="matchrun_one_live",
                condition=Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self) -> str:
        what = f"list {self.person_list_id}" if self.person_list_id else "registry"
        return f"match run #{self.pk} ({what})"


class Decision(models.TextChoices):
    OPEN = "open", _("open")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")
    SKIPPED = "skipped", _("skipped")
    MERGED = "merged", _("merged")
    # Another candidate of the same entry was confirmed, or the entry became a new person.
    SUPERSEDED = "superseded", _("superseded")


class CandidateBase(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField(default=0)
    # [[comparison, level, match_weight], ...] as the engine explained the pair.
    explanation = models.JSONField(default=list)
    # Why a person must look even below the threshold: "ambiguous" (another person fits the
    # entry about as well), "conflict" (two birth years or facility numbers the clustering
    # would refuse to join); "" for an ordinary candidate.
    reason = models.CharField(max_length=16, blank=True, default="")
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class MatchCandidate(CandidateBase):
    """A list entry that is probably a registry person."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-probability", "id"]
        indexes = [
            models.Index(fields=["decision", "-probability"], name="matchcand_queue"),
            models.Index(fields=["run", "decision", "-probability"], name="matchcand_run_queue"),
        ]

    def __str__(self) -> str:
        return f"entry {self.entry_id} ~ person {self.person_id} ({self.probability:.3f})"


class RejectionBase(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class EntryRejection(RejectionBase):
    """This entry is not this person: never propose the pair again."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "person"], name="entryrejection_once")
        ]

    def __str__(self) -> str:
        return f"entry {self.entry_id} is not person {self.person_id}"


class DuplicateCandidate(CandidateBase):
    """Two registry persons that are probably one man (person_a.pk < person_b.pk)."""

    person_a = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-probability", "id"]
        indexes = [models.Index(fields=["decision", "-probability"], name="dupcand_queue")]

    def __str__(self) -> str:
        return f"person {self.person_a_id} ~ person {self.person_b_id} ({self.probability:.3f})"


class DuplicateRejection(RejectionBase):
    """These two persons are different men: never propose the pair again."""

    person_a = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duprejection_once")
        ]

    def __str__(self) -> str:
        return f"person {self.person_a_id} is not person {self.person_b_id}"


class Merge(models.Model):
    """Person `merged` folded into `survivor`, with everything needed to undo it exactly:
    both persons' rows as they were and every moved row's previous foreign key."""

    survivor = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"merge #{self.pk}: {self.merged_id} into {self.survivor_id}"
