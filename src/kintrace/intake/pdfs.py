"""Checking a PDF before it reaches staff: a real, well-formed PDF without active content.

The file is parsed by qpdf (through pikepdf), not grepped: names written with #xx escapes,
objects packed into compressed object streams and dictionaries nested inside others are all
resolved the way a viewer resolves them. We refuse rather than neutralise: the original is
evidence and must stay byte for byte what the relative sent, and a relative can always send
a photo or screenshot of the pages instead.
"""

import io

import pikepdf

# Keys that make a viewer do something on its own or carry another file.
ACTIVE_KEYS = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/RichMediaContent",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/URI",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/Movie",
        "/Sound",
    }
)
# Values of /S (action type), /Type and /Subtype that do the same.
ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/URI",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/EmbeddedFile",
        "/Filespec",
        "/FileAttachment",
        "/RichMedia",
        "/Screen",
        "/3D",
    }
)
NAME_KEYS = ("/S", "/Type", "/Subtype")
# Bounds on work per file: objects in the file, and dictionary/array entries visited in total.
MAX_OBJECTS = 100_000
MAX_VISITS = 2_000_000
MAX_DEPTH = 64
# After the last %%EOF a well-formed file has at most a line end (some writers add a few NULs).
EOF_SLACK = b"\r\n\x00 \t"


class PdfRefused(ValueError):
    """`reason`: malformed, encrypted, active, too_complex."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def check_pdf(data: bytes) -> None:
    """Return if `data` is a well-formed PDF without active content; raise PdfRefused if not.

    Well-formed: starts with %PDF-, qpdf opens it without repairing anything, and nothing
    but a line end follows the last %%EOF (so an HTML page or archive cannot ride along).
    Active: any key or action type in ACTIVE_KEYS / ACTIVE_NAMES, anywhere in the file.
    """
    if not data.startswith(b"%PDF-"):
        raise PdfRefused("malformed", "no %PDF- header")
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5 :].strip(EOF_SLACK):
        raise PdfRefused("malformed", "data after %%EOF")
    try:
        pdf = pikepdf.open(io.BytesIO(data), suppress_warnings=True)
    except pikepdf.PasswordError:
        raise PdfRefused("encrypted") from None
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as e:
        raise PdfRefused("malformed", str(e)[:200]) from None
    with pdf:
        if pdf.get_warnings():
            raise PdfRefused("malformed", "; ".join(pdf.get_warnings())[:200])
        try:
            _check_objects(pdf)
        except PdfRefused:
            raise
        except (pikepdf.PdfError, ValueError, RuntimeError, RecursionError) as e:
            raise PdfRefused("malformed", str(e)[:200]) from None
        if pdf.get_warnings():  # qpdf found broken objects while resolving them
            raise PdfRefused("malformed", "; ".join(pdf.get_warnings())[:200])


def _check_objects(pdf: pikepdf.Pdf) -> None:
    declared = pdf.trailer.get("/Size")
    if isinstance(declared, int) and declared > MAX_OBJECTS:  # refuse before listing them all
        raise PdfRefused("too_complex", "declared objects")
    visits = [0]
    count = 0
    _walk(pdf.trailer, visits, 0)
    for obj in pdf.objects:
        count += 1
        if count > MAX_OBJECTS:
            raise PdfRefused("too_complex", "objects")
        _walk(obj, visits, 0)


def _walk(obj, visits: list[int], depth: int) -> None:
    """Look at one object and the direct objects inside it (indirect ones are visited from
    `pdf.objects`, which also holds those inside object streams)."""
    if depth > MAX_DEPTH:
        raise PdfRefused("too_complex", "depth")
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        for key in obj.keys():
            visits[0] += 1
            if visits[0] > MAX_VISITS:
                raise PdfRefused("too_complex", "entries")
            if key in ACTIVE_KEYS:
                raise PdfRefused("active", key)
            value = obj.get(key)
            if key in NAME_KEYS and isinstance(value, pikepdf.Name) and str(value) in ACTIVE_NAMES:
                raise PdfRefused("active", f"{key} {value}")
            if isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                _walk(value, visits, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for value in obj:
            visits[0] += 1
            if visits[0] > MAX_VISITS:
                raise PdfRefused("too_complex", "entries")
            if isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                _walk(value, visits, depth + 1)
