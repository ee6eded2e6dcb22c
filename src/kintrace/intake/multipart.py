"""Reading the public forms' multipart bodies ourselves: bounded while reading, never lost.

Django's own parser turns every problem into a bare English 400 that loses the whole form
(a part header over 1,024 bytes, which a long file name makes; more than
DATA_UPLOAD_MAX_NUMBER_FILES files), and it stores every file before the view can count
them. This handler takes over the parse (`handle_raw_input`) with python-multipart's
streaming parser and, while the body is read:

- keeps at most `max_files` files, each at most `max_file_bytes`, in memory only (never a
  temporary file); later files are counted and their bytes thrown away;
- keeps the ordinary fields up to Django's DATA_UPLOAD_MAX_NUMBER_FIELDS and
  DATA_UPLOAD_MAX_MEMORY_SIZE, whatever their order around the files;
- cleans file names (path, control and direction characters, length) on arrival;
- on a body it cannot read, keeps what it had and says so, instead of failing the request.

The view reads `handler.refusals` (reason codes) to tell the relative what happened.
"""

import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters
from python_multipart.multipart import MultipartParseError, MultipartParser

# One part's header line may hold a file name of this many bytes and more (browsers send the
# name as typed: 255 UTF-16 units on Windows can be ~1 KB of UTF-8); beyond it is not a person.
MAX_HEADER_BYTES = 64 * 1024
MAX_HEADERS = 16
MAX_NAME_CHARS = 100
READ_CHUNK = 64 * 1024


def clean_filename(raw: str) -> str:
    """A file name safe to show and store: the last path element, no control, format
    (direction override, zero-width) or private-use characters, at most MAX_NAME_CHARS
    characters with its extension kept, never empty ("file")."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split())
    name = "".join(
        c
        for c in name
        if c == " " or (c.isprintable() and unicodedata.category(c) not in ("Cf", "Co", "Cs", "Cn"))
    )
    name = name.strip(" .")
    if not name:
        return "file"
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            name = stem[: MAX_NAME_CHARS - len(ext) - 2].rstrip(" .") + "…." + ext
        else:
            name = name[: MAX_NAME_CHARS - 1] + "…"
    return name


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    kind: str = "skip"  # file, field, skip
    name: str = ""
    filename: str = ""
    content_type: str = ""
    # io.BytesIO for a file, bytearray for a field, None for a part skipped
    buffer: Any = None
    size: int = 0
    too_big: bool = False


class BoundedUploadHandler(FileUploadHandler):
    """Parse the whole body here; see the module docstring. `refusals` after the parse:
    a list of codes among "too_many_files", "form_too_large", "unreadable"; `files_sent` is
    the number of files in the body, kept or not."""

    def __init__(self, request=None, *, max_files: int, max_file_bytes: int):
        super().__init__(request)
        self.max_files = max_files
        self.max_file_bytes = max_file_bytes
        self.refusals: list[str] = []
        self.files_sent = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.encoding = encoding or settings.DEFAULT_CHARSET
        self.post = QueryDict(mutable=True, encoding=self.encoding)
        self.files: MultiValueDict[str, InMemoryUploadedFile] = MultiValueDict()
        self.fields = 0
        self.field_bytes = 0
        self.part = _Part()
        self.header_name = bytearray()
        self.header_value = bytearray()
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_end": self._end,
            },
            max_header_count=MAX_HEADERS,
            max_header_size=MAX_HEADER_BYTES,
        )
        self.ended = False
        remaining = content_length
        try:
            while remaining > 0:
                chunk = input_data.read(min(READ_CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                parser.write(chunk)
            if not self.ended:
                self._refuse("unreadable")
        except MultipartParseError:
            self._refuse("unreadable")
            _drain(input_data, remaining)
        except OSError:  # the client went away mid-body (UnreadablePostError): keep what came
            self._refuse("unreadable")
        self.post._mutable = False
        return self.post, self.files

    # Django calls these for each file only when it parses itself; we never let it.
    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - not reached
        return None

    def file_complete(self, file_size):  # pragma: no cover - not reached
        return None

    def _refuse(self, code: str) -> None:
        if code not in self.refusals:
            self.refusals.append(code)

    def _part_begin(self) -> None:
        self.part = _Part()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _header_end(self) -> None:
        self.part.headers[bytes(self.header_name).lower().strip()] = bytes(self.header_value)
        self.header_name.clear()
        self.header_value.clear()

    def _headers_finished(self) -> None:
        part = self.part
        disposition = part.headers.get(b"content-disposition", b"").decode("utf-8", "replace")
        try:
            kind, params = parse_header_parameters(disposition)
        except (ValueError, LookupError):  # e.g. filename*=bogus''x (an unknown charset)
            self._refuse("unreadable")
            return
        if kind.lower() != "form-data" or "name" not in params:
            return
        part.name = params["name"]
        if "filename" in params:
            if not params["filename"]:
                return  # a file input left empty
            self.files_sent += 1
            if self.files_sent > self.max_files:
                self._refuse("too_many_files")
                return
            part.kind = "file"
            part.filename = clean_filename(params["filename"])
            content_type = part.headers.get(b"content-type", b"").decode("latin-1")
            part.content_type = parse_header_parameters(content_type)[0] if content_type else ""
            part.buffer = io.BytesIO()
        else:
            self.fields += 1
            if self.fields > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
                self._refuse("form_too_large")
                return
            part.kind = "field"
            part.buffer = bytearray()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        if part.kind == "file":
            part.size += end - start
            if part.size > self.max_file_bytes:
                part.too_big = True
                part.buffer = io.BytesIO()  # the bytes so far go; the name and size stay
            elif not part.too_big:
                part.buffer.write(data[start:end])
        elif part.kind == "field":
            self.field_bytes += end - start
            if self.field_bytes > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                self._refuse("form_too_large")
                part.kind = "skip"
                part.buffer = None
            else:
                part.buffer += data[start:end]

    def _part_end(self) -> None:
        part, self.part = self.part, _Part()
        if part.kind == "field":
            self.post.appendlist(part.name, bytes(part.buffer).decode(self.encoding, "replace"))
        elif part.kind == "file":
            part.buffer.seek(0)
            upload = InMemoryUploadedFile(
                file=part.buffer,
                field_name=part.name,
                name=part.filename,
                content_type=part.content_type,
                size=part.size,
                charset=None,
            )
            upload.too_big = part.too_big  # type: ignore[attr-defined]  # our flag, read by the views
            self.files.appendlist(part.name, upload)

    def _end(self) -> None:
        self.ended = True


def _drain(stream, remaining: int) -> None:
    """Read what is left of the body so the connection stays usable."""
    while remaining > 0:
        chunk = stream.read(min(READ_CHUNK, remaining))
        if not chunk:
            return
        remaining -= len(chunk)
