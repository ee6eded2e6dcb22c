"""Receiving attachments: in memory only, bounded, checked by content, metadata stripped.

A reporter's file never touches the disk in clear: the upload handler keeps it in memory
(Django's default would spill files over 2 MB into the temporary directory), stops storing
bytes past the size limit, and the caller encrypts what it keeps.
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_FILES = 5
# Decoded size cap: a small file can still decode into a huge picture (a "decompression bomb").
MAX_PIXELS = 50_000_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keep each uploaded file in memory up to the size limit; mark larger ones as too big.

    Bytes past the limit are read and thrown away rather than aborting the request, so the
    other fields of the form arrive and the page can say politely what went wrong.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.size = 0
        self.too_big = False

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > settings.KINTRACE_MAX_UPLOAD_BYTES:
            self.too_big = True
            self.buffer = io.BytesIO()
        else:
            self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        f = InMemoryUploadedFile(
            file=self.buffer, field_name=self.field_name, name=self.file_name,
            content_type=self.content_type, size=self.size, charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        f.too_big = self.too_big
        return f


class UploadRefused(ValueError):
    """The file is not one we accept; the message is for the reporter."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str
    clean_data: bytes  # metadata-stripped copy for viewing; b"" where we cannot make one
    clean_content_type: str

    def meta(self) -> dict:
        return {
            "filename": self.filename, "content_type": self.content_type,
            "size": len(self.data), "sha256": self.sha256,
            "clean_content_type": self.clean_content_type,
        }


def _strip_image(data: bytes, fmt: str) -> tuple[bytes, str]:
    """Re-encode the picture from its pixels only: EXIF, GPS, XMP and comments are left behind."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        # Apply the EXIF orientation to the pixels before the EXIF is dropped.
        upright = ImageOps.exif_transpose(img) or img
        out = io.BytesIO()
        if fmt in ("JPEG", "WEBP"):
            upright.convert("RGB").save(out, format="JPEG", quality=90)
            return out.getvalue(), "image/jpeg"
        keep = upright.mode in ("RGB", "RGBA", "L", "LA", "P")
        frame = upright if keep else upright.convert("RGBA")
        frame.save(out, format="PNG")
        return out.getvalue(), "image/png"


def check_upload(filename: str, data: bytes) -> CheckedFile:
    """Accept pictures (by what Pillow reads in them) and PDFs (by their header), nothing else."""
    if len(data) > settings.KINTRACE_MAX_UPLOAD_BYTES:
        raise UploadRefused(too_big_message())
    if not data:
        raise UploadRefused(_("The file is empty."))
    sha256 = hashlib.sha256(data).hexdigest()
    name = (filename or "file").replace("\x00", "")[-120:]
    if data.startswith(b"%PDF-"):
        # Pillow cannot rewrite a PDF; staff see the original (docs/intake.md says so).
        return CheckedFile(name, "application/pdf", data, sha256, b"", "")
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            width, height = img.size
            if fmt not in IMAGE_TYPES:
                raise UploadRefused(type_message())
            if width * height > MAX_PIXELS:
                raise UploadRefused(_("This picture is too large. Please send a smaller one."))
            img.verify()
        clean, clean_type = _strip_image(data, fmt)
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(type_message()) from None
    return CheckedFile(name, IMAGE_TYPES[fmt], data, sha256, clean, clean_type)


def too_big_message() -> str:
    mb = settings.KINTRACE_MAX_UPLOAD_BYTES / (1024 * 1024)
    return _("This file is larger than %(mb)g MB. Please send a smaller one.") % {
        "mb": round(mb, 1)}


def type_message() -> str:
    return _("We accept photos and screenshots (JPEG, PNG, WebP, GIF) and PDF documents only.")


def check_uploads(files) -> tuple[list[CheckedFile], list[str]]:
    """Check every uploaded file; return the good ones and a message per refused one."""
    good, problems = [], []
    files = list(files)
    if len(files) > MAX_FILES:
        problems.append(_("Please send at most %(n)d files at a time.") % {"n": MAX_FILES})
        files = files[:MAX_FILES]
    for f in files:
        label = (f.name or "").replace("\x00", "")[-60:]
        if getattr(f, "too_big", False) or f.size > settings.KINTRACE_MAX_UPLOAD_BYTES:
            problems.append(f"{label}: {too_big_message()}")
            continue
        try:
            good.append(check_upload(f.name, f.read()))
        except UploadRefused as e:
            problems.append(f"{label}: {e}")
    return good, problems
