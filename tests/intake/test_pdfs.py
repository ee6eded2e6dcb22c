"""PDFs are parsed for real: only well-formed files without active content get through."""

import io

import pytest

from kintrace.intake.pdfs import PdfRefused, check_pdf

from . import files

ACTIVE = files.active_pdfs()


def reason(data: bytes) -> str:
    with pytest.raises(PdfRefused) as refused:
        check_pdf(data)
    return refused.value.reason


def test_a_plain_document_is_accepted():
    check_pdf(files.clean_pdf())


@pytest.mark.parametrize("kind", ACTIVE)
def test_active_content_is_refused_even_inside_compressed_object_streams(kind):
    assert reason(ACTIVE[kind]) == "active"


def test_the_object_streams_really_hide_the_names_from_a_byte_search():
    assert b"/OpenAction" not in ACTIVE["open action javascript"]
    assert b"/EmbeddedFiles" not in ACTIVE["embedded files"]


def test_names_spelt_with_hex_escapes_are_still_found():
    data = files.hex_escaped_pdf()
    assert b"/OpenAction" not in data and b"/JavaScript" not in data
    assert reason(data) == "active"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",  # an HTML polyglot
        b"%PDF-1.7\n",
        b"%PDF-",
    ],
    ids=["html polyglot", "header only", "bare magic"],
)
def test_what_merely_starts_like_a_pdf_is_refused(data):
    assert reason(data) == "malformed"


def test_a_pdf_with_a_page_or_an_archive_after_its_end_is_refused():
    good = files.clean_pdf()
    assert reason(good + b"<html><script>alert(1)</script></html>") == "malformed"
    assert reason(good + files.a_zip()) == "malformed"


def test_a_damaged_pdf_that_needs_repair_is_refused():
    good = files.clean_pdf()
    assert reason(good[: len(good) // 2] + b"\n%%EOF\n") == "malformed"


def test_a_password_protected_pdf_is_refused():
    assert reason(files.password_pdf()) == "encrypted"


def test_a_pdf_with_more_objects_than_we_inspect_is_refused(monkeypatch):
    import pikepdf

    from kintrace.intake import pdfs

    monkeypatch.setattr(pdfs, "MAX_OBJECTS", 100)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Junk = pikepdf.Array([pdf.make_indirect(pikepdf.Array([i])) for i in range(200)])
    out = io.BytesIO()
    pdf.save(out)
    assert reason(out.getvalue()) == "too_complex"


def test_a_pdf_nested_deeper_than_we_follow_is_refused():
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    nested = pikepdf.Array([1])
    for _ in range(100):
        nested = pikepdf.Array([nested])
    pdf.Root.Junk = nested
    out = io.BytesIO()
    pdf.save(out)
    assert reason(out.getvalue()) == "too_complex"
