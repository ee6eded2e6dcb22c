"""Hostile and awkward files for the attachment tests, written by real writers (Pillow,
pikepdf) or, where no writer exists, byte for byte by the format's own layout."""

import io
import struct
import zipfile
import zlib

import pikepdf
from PIL import Image, ImageCms, PngImagePlugin

SECRET = b"SECRET-4711"  # put into every piece of metadata; must never reach a viewing copy


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def swapped_icc() -> bytes:
    """A valid RGB profile whose red and blue primaries are swapped: a pixel stored as pure
    red *means* blue, so a viewing copy that applies the profile turns it blue."""
    icc = bytearray(srgb_icc())
    (count,) = struct.unpack(">I", icc[128:132])
    entries = {}
    for i in range(count):
        at = 132 + 12 * i
        entries[bytes(icc[at : at + 4])] = at
    r, b = entries[b"rXYZ"], entries[b"bXYZ"]
    icc[r + 4 : r + 12], icc[b + 4 : b + 12] = icc[b + 4 : b + 12], icc[r + 4 : r + 12]
    return bytes(icc)


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Maker"
    exif[0x0131] = SECRET.decode()  # Software
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>'
    + SECRET
    + b"</rdf:Description></x:xmpmeta>"
)


def _save(img, fmt, **kw) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **kw)
    return out.getvalue()


def _insert_jpeg_segment(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    segment = bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def iptc_segment() -> bytes:
    """A Photoshop APP13 with an IPTC record (2:120 caption), as cameras and editors write."""
    record = b"\x1c\x02\x78" + struct.pack(">H", len(SECRET)) + SECRET
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    return b"Photoshop 3.0\x00" + resource


def a_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("payload.html", b"<script>alert(1)</script>" + SECRET)
    return out.getvalue()


def jpeg_full_of_metadata() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    data = _save(img, "JPEG", exif=exif_with_gps(), comment=SECRET, icc_profile=srgb_icc(), xmp=XMP)
    return _insert_jpeg_segment(data, 0xED, iptc_segment()) + a_zip()


def png_full_of_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_text("Author", SECRET.decode(), zip=True)  # zTXt
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    img = Image.new("RGBA", (64, 48), (30, 200, 30, 128))
    return _save(img, "PNG", pnginfo=info, exif=exif_with_gps(), icc_profile=srgb_icc())


def webp_full_of_metadata() -> bytes:
    img = Image.new("RGB", (64, 48), (30, 30, 200))
    return _save(img, "WEBP", exif=exif_with_gps(), icc_profile=srgb_icc(), xmp=XMP)


def gif_full_of_metadata() -> bytes:
    """An animated GIF with a comment and an XMP application extension."""
    frames = [Image.new("P", (64, 48), i) for i in (1, 2)]
    data = _save(frames[0], "GIF", save_all=True, append_images=frames[1:], comment=SECRET, loop=0)
    xmp_ext = b"\x21\xff\x0bXMP DataXMP" + bytes([len(SECRET)]) + SECRET + b"\x00"
    header_end = 13 + 3 * 2 ** ((data[10] & 7) + 1) if data[10] & 0x80 else 13
    return data[:header_end] + xmp_ext + data[header_end:]


def mpo_ultra_hdr() -> bytes:
    """A JPEG with a second (gain map) image, as Android 'Ultra HDR' photos are."""
    main = Image.new("RGB", (64, 48), (200, 30, 30))
    gain = Image.new("RGB", (32, 24), (0, 0, 0))
    return _save(main, "MPO", save_all=True, append_images=[gain], exif=exif_with_gps())


def png_with_huge_dimensions(width: int, height: int) -> bytes:
    """A small valid-looking PNG whose header claims a huge picture."""
    data = bytearray(_save(Image.new("L", (8, 8)), "PNG"))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def heic_header() -> bytes:
    """The start of an iPhone HEIC photo (an ISO-BMFF ftyp box with the heic brand)."""
    ftyp = b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heicmiaf"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\x00\x00\x00\x08free" * 20


# PDFs ----------------------------------------------------------------------------------------


def _pdf_bytes(pdf: pikepdf.Pdf, packed: bool = True) -> bytes:
    out = io.BytesIO()
    if packed:  # objects inside compressed object streams: a byte grep sees none of them
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    else:
        pdf.save(out)
    return out.getvalue()


def clean_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Spravka) Tj ET")
    pdf.docinfo["/Title"] = "Справка"
    return _pdf_bytes(pdf)


def _action(kind: str, **kw) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name("/" + kind), **kw)


def _link(pdf, action) -> None:
    annot = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100], A=action
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))


def _embedded(pdf):
    ef = pdf.make_stream(b"MZ this is a program", Type=pikepdf.Name.EmbeddedFile)
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("x.exe"), EF=pikepdf.Dictionary(F=ef)
    )


def active_pdfs() -> dict[str, bytes]:
    """One PDF per kind of active content, each with its objects packed into object streams."""
    made = {}

    def build(name, change):
        pdf = pikepdf.new()
        pdf.add_blank_page()
        change(pdf)
        made[name] = _pdf_bytes(pdf)

    js = pikepdf.String("app.alert(1)")
    build(
        "open action javascript",
        lambda p: setattr(p.Root, "OpenAction", _action("JavaScript", JS=js)),
    )
    build(
        "page additional action",
        lambda p: setattr(p.pages[0].obj, "AA", pikepdf.Dictionary(O=_action("JavaScript", JS=js))),
    )
    build(
        "document javascript name tree",
        lambda p: setattr(
            p.Root,
            "Names",
            pikepdf.Dictionary(
                JavaScript=pikepdf.Dictionary(
                    Names=[pikepdf.String("a"), _action("JavaScript", JS=js)]
                )
            ),
        ),
    )
    build("launch link", lambda p: _link(p, _action("Launch", F=pikepdf.String("cmd.exe"))))
    build("uri link", lambda p: _link(p, _action("URI", URI=pikepdf.String("https://x.example"))))
    build("submit form link", lambda p: _link(p, _action("SubmitForm", F=pikepdf.String("u"))))
    build(
        "embedded files",
        lambda p: setattr(
            p.Root,
            "Names",
            pikepdf.Dictionary(
                EmbeddedFiles=pikepdf.Dictionary(Names=[pikepdf.String("x"), _embedded(p)])
            ),
        ),
    )

    def attachment_annot(p):
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.FileAttachment,
            Rect=[0, 0, 10, 10],
            FS=_embedded(p),
        )
        p.pages[0].Annots = pikepdf.Array([p.make_indirect(annot)])

    build("file attachment annotation", attachment_annot)

    def rich_media(p):
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.RichMedia, Rect=[0, 0, 10, 10]
        )
        p.pages[0].Annots = pikepdf.Array([p.make_indirect(annot)])

    build("rich media", rich_media)
    build(
        "xfa form",
        lambda p: setattr(
            p.Root,
            "AcroForm",
            pikepdf.Dictionary(
                Fields=[], XFA=p.make_stream(b"<xdp:xdp><script>x</script></xdp:xdp>")
            ),
        ),
    )
    return made


def hex_escaped_pdf() -> bytes:
    """/OpenAction and /JavaScript spelt with #xx escapes, written by hand with a valid xref."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Open#41ction 3 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /S /Java#53cript /#4AS (app.alert\\(1\\)) >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def password_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    return out.getvalue()
