"""The text of an article a source was created from (kept here rather than on registry.Source,
whose table this app does not change)."""

from django.db import models


class SourceText(models.Model):
    """A published article's text, kept to be extracted again on the source's text page.
    Only published texts are kept (a relative's message is never stored in clear)."""

    source = models.OneToOneField(
        "registry.Source", on_delete=models.CASCADE, related_name="kept_text"
    )
    text = models.TextField()
    lang = models.CharField(max_length=4, default="auto")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"text of source {self.source_id}"
