"""The viewing copy of a picture: its pixels and nothing else.

A photo from a phone carries far more than the picture: EXIF (GPS position, camera serial),
XMP and IPTC (names, places, edit history), a JPEG comment, an ICC profile (which can name the
device), PNG text chunks, GIF comments and application extensions, and sometimes whole files
appended after the image (a ZIP, a video, an HTML page). The viewing copy is therefore not a
cleaned version of the file but a new picture built from the decoded pixels: the EXIF
orientation and the colour profile are applied to the pixels first (so the copy looks right),
then a fresh image with an empty info dict is encoded. `metadata_markers` lists what a JPEG
or PNG carries besides pixels; the copy is checked with it before it is kept.
"""

import io
import struct
import warnings

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Decoded size cap: a small file can still decode into a huge picture (a "decompression bomb").
MAX_PIXELS = 50_000_000
# An animation is accepted (its first frame is the viewing copy) up to this many frames.
MAX_FRAMES = 500
# What Pillow may report, and the type the original is recorded and served as. MPO is a JPEG
# with further images appended (Android "Ultra HDR" gain maps, 3D cameras): it is a JPEG.
IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
# ISO base media brands of HEIF pictures (iPhone photos); Pillow reads them only with a plugin.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

# Segments a pixels-only JPEG may hold: start, JFIF header, tables, frame, scan, end.
_JPEG_PLAIN = {0xD8, 0xE0, 0xDB, 0xC4, 0xDD, 0xC0, 0xC1, 0xC2, 0xDA}
# Chunks a pixels-only PNG may hold.
_PNG_PLAIN = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


class PictureRefused(ValueError):
    """Not a picture we take; `reason` is one of type, heic, too_large, frames, unreadable."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def is_heif(data: bytes) -> bool:
    """True for an ISO-BMFF file with a HEIF brand (iPhone HEIC photos)."""
    return data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS


def picture_type(data: bytes) -> str:
    """The MIME type of an accepted picture, judged by its content.

    Raises PictureRefused when the data is not a JPEG/PNG/WebP/GIF that decodes completely
    within the pixel and frame limits (a truncated file is refused, not padded).
    """
    if is_heif(data):
        raise PictureRefused("heic")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format
                if fmt not in IMAGE_TYPES:
                    raise PictureRefused("type")
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise PictureRefused("too_large")
                if getattr(img, "n_frames", 1) > MAX_FRAMES:
                    raise PictureRefused("frames")
                img.verify()
    except PictureRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureRefused("too_large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        # The file says it is a picture we take but does not decode: cut short or damaged,
        # which the sender can mend by sending it again; anything else is another type
        raise PictureRefused("damaged" if has_picture_signature(data) else "type") from None
    return IMAGE_TYPES[fmt]


def has_picture_signature(data: bytes) -> bool:
    """Whether `data` begins as a JPEG, PNG, GIF or WebP file does (the formats' magic
    numbers: JPEG SOI FF D8 FF, PNG's 8-byte signature, "GIF87a"/"GIF89a", RIFF…WEBP)."""
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


def _to_srgb(img: Image.Image) -> Image.Image:
    """Apply an embedded ICC profile (RGB, grey or CMYK) so the colours stay right once the
    profile is dropped; alpha is carried over untouched."""
    icc = img.info.get("icc_profile")
    if not icc:
        return img
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    alpha = None
    if img.mode in ("RGBA", "LA", "PA"):
        alpha = img.getchannel("A")
        img = img.convert("L" if img.mode == "LA" else "RGB")
    if img.mode in ("RGB", "L", "CMYK"):
        try:
            converted = ImageCms.profileToProfile(
                img,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
            if converted is not None:  # None only with inPlace=True
                img = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            # A profile lcms cannot use: keep the pixels as they are rather than refuse them.
            pass
    if alpha is not None:
        img = img.convert("RGB") if img.mode == "CMYK" else img
        img.putalpha(alpha)
    return img


def _plain_mode(img: Image.Image) -> Image.Image:
    """RGB, RGBA or L pixels; 16-bit grey is scaled (Pillow's own conversion would clip)."""
    if img.mode in ("RGB", "RGBA", "L"):
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return img.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if img.mode == "I":
        return img.point(lambda v: v * (1 / 257)).convert("L")
    has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        img.mode in ("P", "L", "RGB") and "transparency" in img.info
    )
    return img.convert("RGBA" if has_alpha else "RGB")


def viewing_copy(data: bytes) -> tuple[bytes, str]:
    """(bytes, MIME type) of a new picture made from the first frame's pixels only.

    Orientation and colour profile are applied to the pixels; JPEG sources become a JPEG,
    everything else (and anything with transparency) a PNG. Call `picture_type` first;
    raises PictureRefused("unreadable") if the pixels cannot be decoded.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                img.seek(0)
                img.load()
                fmt = img.format
                upright = ImageOps.exif_transpose(img) or img
                pixels = _plain_mode(_to_srgb(upright))
                # A new image from the raw pixels: no info dict, so nothing else can follow.
                clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureRefused("too_large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        raise PictureRefused("unreadable") from None
    out = io.BytesIO()
    if fmt in ("JPEG", "MPO", "WEBP") and clean.mode != "RGBA":
        clean.save(out, format="JPEG", quality=90)
        kind = "image/jpeg"
    else:
        clean.save(out, format="PNG")
        kind = "image/png"
    result = out.getvalue()
    if metadata_markers(result):
        # Only if Pillow ever changes what it writes by default: refuse rather than leak.
        raise PictureRefused("unreadable")
    return result, kind


def metadata_markers(data: bytes) -> list[str]:
    """What a JPEG or PNG holds besides pixels: segment names ("APP1", "COM"), chunk types
    ("tEXt", "iCCP"), or "trailing" for bytes after the image's end. [] for a plain picture."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_markers(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_markers(data)
    raise ValueError("not a JPEG or PNG")


def _png_markers(data: bytes) -> list[str]:
    found, pos = [], 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind not in _PNG_PLAIN:
            found.append(kind.decode("latin-1"))
        pos += 12 + length
        if kind == b"IEND":
            break
    if pos < len(data):
        found.append("trailing")
    return found


def _jpeg_markers(data: bytes) -> list[str]:
    found, pos = [], 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            found.append("garbage")
            break
        marker = data[pos + 1]
        if marker not in _JPEG_PLAIN:
            name = (
                f"APP{marker - 0xE0}"
                if 0xE0 <= marker <= 0xEF
                else ("COM" if marker == 0xFE else f"FF{marker:02X}")
            )
            found.append(name)
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker == 0xE0 and not data[pos + 4 : pos + 9] == b"JFIF\x00":
            found.append("APP0")
        if marker == 0xDA:
            end = data.rfind(b"\xff\xd9")
            if end + 2 != len(data):
                found.append("trailing")
            # Restart markers and a second image inside the scan data would show as more SOIs.
            if data.count(b"\xff\xd8", pos) or data.count(b"\xff\xd9", pos) != 1:
                found.append("second image")
            break
        pos += 2 + length
    return found
