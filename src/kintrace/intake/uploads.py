"""Receiving attachments: in memory only, bounded while read, checked by content, viewed as
pixels only.

A reporter's file never touches the disk in clear: the body is parsed by
`multipart.BoundedUploadHandler` (in memory, counted and size-bounded as it is read), each
file is judged by its content (`pictures`, `pdfs`), and the caller encrypts what it keeps.
The web form and the reporter inbox use `receive_uploads` + `check_uploads`; anything else
that ever takes files (the API does not today) must do the same.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .multipart import BoundedUploadHandler, clean_filename
from .pdfs import PdfRefused, check_pdf
from .pictures import MAX_FRAMES, PictureRefused, picture_type, viewing_copy

MAX_FILES = 5


class UploadRefused(ValueError):
    """The file is not one we accept; the message is for the reporter."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str
    clean_data: bytes  # pixels-only copy for viewing; b"" where we cannot make one (PDF)
    clean_content_type: str

    def meta(self) -> dict:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.data),
            "sha256": self.sha256,
            "clean_content_type": self.clean_content_type,
        }


def receive_uploads(request) -> BoundedUploadHandler:
    """Make `request` parse its multipart body with our bounded, in-memory handler.

    Call before anything reads request.POST or request.FILES (CSRF checks included); after
    the parse, pass the returned handler to `check_uploads`.
    """
    handler = BoundedUploadHandler(
        request, max_files=MAX_FILES, max_file_bytes=settings.KINTRACE_MAX_UPLOAD_BYTES
    )
    request.upload_handlers = [handler]
    return handler


def check_upload(filename: str, data: bytes) -> CheckedFile:
    """Accept a picture (JPEG, MPO, PNG, WebP, GIF, by what Pillow decodes) or a clean PDF.

    Returns the original and a pixels-only viewing copy (none for a PDF); raises
    UploadRefused with a translated message for the reporter.
    """
    if len(data) > settings.KINTRACE_MAX_UPLOAD_BYTES:
        raise UploadRefused(too_big_message())
    if not data:
        raise UploadRefused(_("The file is empty."))
    sha256 = hashlib.sha256(data).hexdigest()
    name = clean_filename(filename)
    if data.startswith(b"%PDF-"):
        try:
            check_pdf(data)
        except PdfRefused as e:
            raise UploadRefused(pdf_message(e.reason)) from None
        return CheckedFile(name, "application/pdf", data, sha256, b"", "")
    try:
        content_type = picture_type(data)
        clean, clean_type = viewing_copy(data)
    except PictureRefused as e:
        raise UploadRefused(picture_message(e.reason)) from None
    return CheckedFile(name, content_type, data, sha256, clean, clean_type)


def too_big_message() -> str:
    mb = settings.KINTRACE_MAX_UPLOAD_BYTES / (1024 * 1024)
    return _("This file is larger than %(mb)g MB. Please send a smaller one.") % {
        "mb": round(mb, 1)
    }


def type_message() -> str:
    return _("We accept photos and screenshots (JPEG, PNG, WebP, GIF) and PDF documents only.")


def picture_message(reason: str) -> str:
    if reason == "heic":
        return _(
            "iPhone HEIC photos cannot be accepted yet. Please send it as JPEG (Settings → "
            "Camera → Formats → Most Compatible) or send a screenshot of it."
        )
    if reason == "too_large":
        return _("This picture is too large. Please send a smaller one.")
    if reason in ("damaged", "unreadable"):
        return _(
            "This picture seems damaged or cut short (perhaps it did not finish downloading). "
            "Please send it again, or send a screenshot of it."
        )
    if reason == "frames":
        return _("This animation has more than %(n)d frames. Please send a still picture.") % {
            "n": MAX_FRAMES
        }
    return type_message()


def pdf_message(reason: str) -> str:
    if reason == "active":
        return _(
            "This PDF contains scripts, links, forms or attached files, which we cannot "
            "accept for safety. Please send photos or screenshots of its pages instead."
        )
    if reason == "encrypted":
        return _(
            "This PDF is protected by a password. Please send it without the password, "
            "or photos of its pages."
        )
    return _(
        "This file is not a readable PDF document. Please send photos or screenshots of "
        "its pages instead."
    )


def refusal_message(code: str, files_sent: int = 0) -> str:
    if code == "too_many_files":
        return _(
            "You chose %(sent)d files; please send at most %(n)d at a time. Nothing was saved."
        ) % {"sent": files_sent, "n": MAX_FILES}
    if code == "form_too_large":
        return _("The form was too large to receive in full. Please shorten your text.")
    return _("The form did not arrive completely. Please check it and send it again.")


def check_uploads(
    files, handler: BoundedUploadHandler | None = None
) -> tuple[list[CheckedFile], list[str]]:
    """Check every uploaded file; return the good ones and a message per problem.

    `handler`: the one `receive_uploads` installed, whose refusals (too many files, a form
    too large or cut short) become messages too.
    """
    good: list[CheckedFile] = []
    problems: list[str] = []
    if handler is not None:
        problems.extend(refusal_message(code, handler.files_sent) for code in handler.refusals)
    for f in list(files)[:MAX_FILES]:
        label = clean_filename(f.name)
        if getattr(f, "too_big", False) or f.size > settings.KINTRACE_MAX_UPLOAD_BYTES:
            problems.append(f"{label}: {too_big_message()}")
            continue
        try:
            good.append(check_upload(f.name, f.read()))
        except UploadRefused as e:
            problems.append(f"{label}: {e}")
    return good, problems
