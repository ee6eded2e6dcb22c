"""The viewing copy is a new picture made of pixels only, for every format we accept."""

import io

import pytest
from PIL import Image

from kintrace.intake.pictures import (
    MAX_FRAMES,
    PictureRefused,
    metadata_markers,
    picture_type,
    viewing_copy,
)

from . import files

FULL_OF_METADATA = {
    "jpeg": (files.jpeg_full_of_metadata, "image/jpeg", "image/jpeg"),
    "png": (files.png_full_of_metadata, "image/png", "image/png"),
    "webp": (files.webp_full_of_metadata, "image/webp", "image/jpeg"),
    "gif": (files.gif_full_of_metadata, "image/gif", "image/png"),
    "mpo (ultra hdr)": (files.mpo_ultra_hdr, "image/jpeg", "image/jpeg"),
}


def opened(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


@pytest.mark.parametrize("kind", FULL_OF_METADATA)
def test_the_viewing_copy_carries_no_metadata_of_any_kind(kind):
    make, original_type, copy_type = FULL_OF_METADATA[kind]
    original = make()
    assert files.SECRET in original  # the writers really put it there
    assert picture_type(original) == original_type
    copy, served = viewing_copy(original)
    assert served == copy_type
    assert files.SECRET not in copy
    assert metadata_markers(copy) == []
    info = opened(copy).info
    for key in (
        "exif",
        "xmp",
        "comment",
        "icc_profile",
        "photoshop",
        "extension",
        "Comment",
        "Author",
        "XML:com.adobe.xmp",
        "mp",
    ):
        assert key not in info
    assert opened(copy).size == (64, 48)


def test_the_markers_of_the_originals_are_seen_so_the_check_is_not_blind():
    assert {"APP1", "APP2", "APP13", "COM", "trailing"} <= set(
        metadata_markers(files.jpeg_full_of_metadata())
    )
    assert {"iCCP", "tEXt", "zTXt", "iTXt", "eXIf"} <= set(
        metadata_markers(files.png_full_of_metadata())
    )
    assert "second image" in metadata_markers(files.mpo_ultra_hdr())


def test_the_colour_profile_is_applied_to_the_pixels_before_it_is_dropped():
    red = Image.new("RGB", (16, 16), (255, 0, 0))
    out = io.BytesIO()
    red.save(out, format="PNG", icc_profile=files.swapped_icc())
    copy, _type = viewing_copy(out.getvalue())
    r, g, b = opened(copy).getpixel((8, 8))
    assert b > 200 and r < 60, (r, g, b)  # under this profile the stored red means blue
    assert "iCCP" not in metadata_markers(copy)


def test_a_cmyk_jpeg_becomes_an_rgb_viewing_copy_with_its_colours():
    out = io.BytesIO()
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(out, format="JPEG")
    copy, served = viewing_copy(out.getvalue())
    img = opened(copy)
    assert served == "image/jpeg" and img.mode == "RGB"
    r, g, b = img.getpixel((8, 8))
    assert r > 200 and g < 60 and b < 60


def test_a_progressive_cmyk_jpeg_keeps_black_black():
    out = io.BytesIO()
    Image.new("CMYK", (16, 16), (0, 0, 0, 255)).save(out, format="JPEG", progressive=True)
    copy, _served = viewing_copy(out.getvalue())
    assert max(opened(copy).getpixel((8, 8))) < 40  # black stays black


def test_a_16_bit_png_is_scaled_not_clipped():
    img = Image.new("I;16", (4, 1))
    for x, value in enumerate((0, 257 * 64, 257 * 128, 65535)):
        img.putpixel((x, 0), value)
    out = io.BytesIO()
    img.save(out, format="PNG")
    copy = opened(viewing_copy(out.getvalue())[0])
    assert copy.mode == "L"
    assert [copy.getpixel((x, 0)) for x in range(4)] == [0, 64, 128, 255]


def test_a_palette_png_keeps_its_transparency():
    img = Image.new("P", (8, 8), 1)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.putpixel((0, 0), 0)
    out = io.BytesIO()
    img.save(out, format="PNG", transparency=0)
    copy, served = viewing_copy(out.getvalue())
    pixels = opened(copy)
    assert served == "image/png" and pixels.mode == "RGBA"
    assert pixels.getpixel((0, 0))[3] == 0 and pixels.getpixel((4, 4)) == (255, 0, 0, 255)


def test_a_progressive_jpeg_is_accepted():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 30)).save(out, format="JPEG", progressive=True)
    assert picture_type(out.getvalue()) == "image/jpeg"
    assert metadata_markers(viewing_copy(out.getvalue())[0]) == []


def test_the_exif_orientation_is_applied_before_the_exif_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 8  # rotate 270° on display
    out = io.BytesIO()
    Image.new("RGB", (60, 20)).save(out, format="JPEG", exif=exif)
    copy = viewing_copy(out.getvalue())[0]
    assert opened(copy).size == (20, 60) and "APP1" not in metadata_markers(copy)


def test_an_ultra_hdr_photo_is_a_jpeg_viewed_from_its_first_image():
    copy, served = viewing_copy(files.mpo_ultra_hdr())
    assert served == "image/jpeg"
    assert opened(copy).size == (64, 48) and opened(copy).format == "JPEG"
    assert "second image" not in metadata_markers(copy)


def test_a_jpeg_with_an_archive_appended_gives_a_copy_without_it():
    original = files.jpeg_full_of_metadata()
    copy = viewing_copy(original)[0]
    assert b"PK\x03\x04" in original and b"PK\x03\x04" not in copy
    assert copy.endswith(b"\xff\xd9")


@pytest.mark.parametrize("cut", [60, 300, -40])
def test_truncated_pictures_are_refused(cut):
    for data in (
        files.jpeg_full_of_metadata().split(b"PK\x03\x04")[0],
        files.png_full_of_metadata(),
    ):
        with pytest.raises(PictureRefused):
            picture_type(data[:cut])
            viewing_copy(data[:cut])


@pytest.mark.parametrize("size", [(9000, 9000), (20000, 20000), (100_000, 1_000)])
def test_pictures_that_would_decode_huge_are_refused_before_decoding(size):
    with pytest.raises(PictureRefused) as refused:
        picture_type(files.png_with_huge_dimensions(*size))
    assert refused.value.reason == "too_large"


def test_an_animation_with_too_many_frames_is_refused():
    frames = [Image.new("L", (2, 2), i % 2 * 255) for i in range(MAX_FRAMES + 1)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(PictureRefused) as refused:
        picture_type(out.getvalue())
    assert refused.value.reason == "frames"


def test_an_iphone_heic_photo_is_refused_with_its_own_reason():
    with pytest.raises(PictureRefused) as refused:
        picture_type(files.heic_header())
    assert refused.value.reason == "heic"


@pytest.mark.parametrize(
    "data", [b"#!/bin/sh\necho\n", b"MZ\x90\x00", b"<html><script>", b"GIF89a" + b"\x00" * 5]
)
def test_what_is_not_a_picture_is_refused(data):
    with pytest.raises(PictureRefused):
        picture_type(data)


def test_a_grey_png_with_a_profile_and_transparency_keeps_both_right():
    icc = files.srgb_icc()
    img = Image.new("LA", (8, 8), (128, 255))
    img.putpixel((0, 0), (0, 0))
    out = io.BytesIO()
    img.save(out, format="PNG", icc_profile=icc)
    copy = opened(viewing_copy(out.getvalue())[0])
    assert copy.mode == "RGBA" and copy.getpixel((0, 0))[3] == 0
    r, g, b, a = copy.getpixel((4, 4))
    assert a == 255 and abs(r - g) < 8 and abs(g - b) < 8  # still grey
