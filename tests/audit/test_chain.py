import pytest

from kintrace.audit import chain


def test_a_head_reads_back_as_printed():
    head = chain.Head(42, "ab" * 32)
    assert chain.head_parse(str(head)) == head
    assert chain.head_parse(f"  {str(head).upper()}\n") == head


@pytest.mark.parametrize(
    "text",
    [
        "",
        "42",
        "42:",
        ":" + "a" * 64,
        "42:" + "a" * 63,
        "42:" + "g" * 64,
        "-1:" + "a" * 64,
        "4 2:" + "a" * 64,
        "0:" + "a" * 64,
        "1" * 19 + ":" + "a" * 64,
        "42:" + "a" * 64 + "\x00",
        "٤٢:" + "a" * 64,
    ],
)
def test_anything_else_is_not_a_head(text):
    with pytest.raises(chain.BadHead):
        chain.head_parse(text)
