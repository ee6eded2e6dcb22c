"""Where a text is stored in clear: every row of every table and every file of the data
directory (the SQLite database included), as the bot's tests search."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def _bytes(value) -> bytes:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value)
    return str(value).encode()


def stored_in_clear(needles: list[str]) -> list[str]:
    """ "Model: needle" or "file: needle" for each needle found as UTF-8 bytes."""
    found = []
    for model in apps.get_models():
        for row in model.objects.all().values_list():
            blob = b"\x00".join(_bytes(v) for v in row)
            found += [f"{model.__name__}: {n}" for n in needles if n.encode() in blob]
    for path in Path(settings.DATA_DIR).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n}" for n in needles if n.encode() in data]
    return found
