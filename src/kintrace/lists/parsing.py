"""Reading a list file into a header and rows of text, whatever its encoding and separator.

The same code reads an upload in the web app and a file on the command line.
Rows are numbered as a spreadsheet numbers them: the header is line 1, the first data row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kintrace.names.text import strip_bidi

from .limits import Counter, Limits, ListFileError, ListTooLarge, is_running_text, quote
from .mapping import _DATE, _NAME, HEADER_WORDS, looks_like_header
from .mapping import _header_score as _title_score
from .xlsx import CFB_SIGNATURE, read_rows

__all__ = [
    "ListFileError",
    "ListTooLarge",
    "Limits",
    "Table",
    "decode",
    "read_list",
    "read_text",
    "sniff_delimiter",
    "cell_text",
]

# Russian letter frequencies (per cent, from the national corpus), to tell which single-byte
# code page a file was written in: the right one turns bytes into common letters.
_RU_FREQ = {
    "о": 10.97,
    "е": 8.45,
    "а": 8.01,
    "и": 7.35,
    "н": 6.70,
    "т": 6.26,
    "с": 5.47,
    "р": 4.73,
    "в": 4.54,
    "л": 4.40,
    "к": 3.49,
    "м": 3.21,
    "д": 2.98,
    "п": 2.81,
    "у": 2.62,
    "я": 2.01,
    "ы": 1.90,
    "ь": 1.74,
    "г": 1.70,
    "з": 1.65,
    "б": 1.59,
    "ч": 1.44,
    "й": 1.21,
    "х": 0.97,
    "ж": 0.94,
    "ш": 0.73,
    "ю": 0.64,
    "ц": 0.48,
    "щ": 0.36,
    "э": 0.32,
    "ф": 0.26,
    "ъ": 0.04,
    "ё": 0.04,
}
_LOG_FREQ = {ch: math.log(f) for ch, f in _RU_FREQ.items()}
_UNLIKELY = math.log(0.001)
SINGLE_BYTE_ENCODINGS = ("cp1251", "koi8_r", "cp866")
DELIMITERS = ",;\t|"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_EOL = re.compile(r"\r\n|\r|\n")
SNIFF_CHARS = 64 * 1024


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # spreadsheet line number of each row
    encoding: str
    delimiter: str = ""
    has_header: bool = True
    notes: list[str] = field(default_factory=list)  # how the header was found, for a person
    header_row: int = 1  # the header's spreadsheet line; 0 when the list has none


# Common Russian letter pairs (from the national corpus, the top ~120): the right code page
# turns a file's bytes into these; a wrong one into rare pairs ("ъь", "йы"), whatever the case.
_RU_BIGRAMS = frozenset(
    """
ст но то на ен ов ни ра во ко ал по ор ре пр ер ан ли ро ос ет ел од ол ка ой ат ва ть ис ом
ав ле ит ин ес ла от ам ак де ве не ме ки ил та ри ел ий ди ся го ск мо ны ви да ми ем ны ли
ог ча ев ег ич ик ие ям ую ей ая ое ые их ым ок ун ул уд уп ус ут ук ус ах ад аз ар ас аш ба
бо бу бы бе ви вы га гд ге гр ду ды дн др ев ез ек ем еж ен ер жа же жи за зд зн зо иг из им
ир ит их иш кр ку ла лу лы ль ма мн му мы на не ни нн но нт ню об ог ок ол он оп ор от ох оч
па пе пи пл по пр ра ре ри ро ру ры рь са се си сл см сн со сп ст су сх сы та те ти то тр ту
ты ть уж ум ур фа фе хо це чи чн че ше шк щи ыв ых ьн ья ят юр ю ля лё ёт ёр ье ьё
""".split()
) - {"ю"}
_CYR = re.compile(r"[а-яё]+", re.IGNORECASE)


def russian_score(text: str) -> float:
    """How much `text` reads like Russian, from its letters alone (case does not matter, so an
    upper-case list scores as its lower-case twin): the share of non-ASCII characters that are
    Cyrillic letters, the share of letter pairs that are common Russian pairs, the mean
    log-frequency of the letters, and the share of words whose case is a word's case
    ("Иванов", "ИВАНОВ", "иванов", not "иВАНОВ", which a wrong code page makes of it).
    Higher is more Russian; about 2.5 for Russian text, below 1.5 for a wrong code page."""
    non_ascii = [ch for ch in text if ord(ch) >= 128]
    if not non_ascii:
        return 0.0
    cyr = sum(1 for ch in non_ascii if "а" <= ch.lower() <= "я" or ch in "ёЁ")
    freq = sum(_LOG_FREQ.get(ch.lower(), _UNLIKELY) for ch in non_ascii) / len(non_ascii)
    pairs = good = words = good_case = 0
    for m in _CYR.finditer(text):
        w = m.group()
        words += 1
        if w.isupper() or w.islower() or (w[0].isupper() and w[1:].islower()):
            good_case += 1
        low = w.lower()
        for i in range(len(low) - 1):
            pairs += 1
            good += low[i : i + 2] in _RU_BIGRAMS
    return (
        cyr / len(non_ascii)
        + (good / pairs if pairs else 0.0)
        + (freq + 7) / 10
        + (good_case / words if words else 0.0)
    )


def _normalizer_scores(sample: bytes) -> dict[str, float]:
    """charset-normalizer's view of each candidate code page: coherence minus chaos (0..1 each),
    -1 for a code page it rules out."""
    from charset_normalizer import from_bytes

    scores = dict.fromkeys(SINGLE_BYTE_ENCODINGS, -1.0)
    try:
        for m in from_bytes(sample, cp_isolation=list(SINGLE_BYTE_ENCODINGS)):
            enc = m.encoding.replace("-", "_").lower()
            if enc in scores:
                scores[enc] = max(scores[enc], m.coherence - m.chaos)
    except Exception:
        return dict.fromkeys(SINGLE_BYTE_ENCODINGS, 0.0)
    return scores


def guess_single_byte(data: bytes) -> str:
    """The Cyrillic code page (Windows-1251, KOI8-R or CP866) `data` was written in: our own
    Russian model (letters, letter pairs, word case) and charset-normalizer together, the
    model weighing more on a short file where the detector has little to go on."""
    sample = data[:200_000]
    detector = _normalizer_scores(sample[:32_000])
    letters = sum(1 for b in sample if b >= 0x80)
    weight = 0.5 if letters < 200 else 1.0

    def score(enc: str) -> float:
        return russian_score(sample.decode(enc, errors="replace")) + weight * detector[enc]

    return max(SINGLE_BYTE_ENCODINGS, key=score)


_WORD = re.compile(r"[^\W\d_]+")


def western_word(data: bytes) -> str:
    """A word of `data` read as Windows-1252, when the file is Western European text (Latin
    words with an accented letter or two: Müller, José, Françoise) rather than Cyrillic; ""
    otherwise. A Cyrillic code page writes a Russian word all in high bytes, so read as
    Windows-1252 it has no plain Latin letters; a Latin word with accents is mostly ASCII."""
    import unicodedata

    latin, other, first = 0, 0, ""
    text = data[:200_000].decode("cp1252", errors="replace")
    for m in _WORD.finditer(text):
        word = m.group()
        high = [ch for ch in word if ord(ch) >= 128]
        if not high:
            continue
        if len(word) - len(high) > len(high) and all(
            unicodedata.name(ch, "").startswith("LATIN") for ch in high
        ):
            latin += 1
            first = first or word
        else:
            other += 1
    return first if latin > other else ""


# One valid multi-byte UTF-8 sequence (no overlongs, no surrogates), or one stray high byte.
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}|([\x80-\xff])"
)
UTF8_SHARE = 0.9
# A Cyrillic letter in UTF-8 (а-я, А-Я, ё, Ё): two bytes no code page writes in Russian text
# (box drawing in CP866; "Р"/"С" + a symbol in Windows-1251; "п"/"я" + rarely "ё" in KOI8-R).
_UTF8_CYRILLIC = re.compile(rb"\xd0[\x80-\xbf]|\xd1[\x80-\x9f]")
MIXED_SHARE = 0.3


def _utf8_kind(data: bytes) -> str:
    """ "stray" when nearly all (UTF8_SHARE) of the non-ASCII bytes form valid UTF-8 sequences:
    a UTF-8 file with a stray byte; "mixed" when Cyrillic UTF-8 letters make up a good part
    (MIXED_SHARE) of them: UTF-8 text with parts saved in another encoding; "" otherwise (a
    Cyrillic code page, whose letters almost never pair up as UTF-8)."""
    sample = data[:2_000_000]
    valid = stray = 0
    for m in _UTF8_SEQ.finditer(sample):
        if m.group(1) is not None:
            stray += 1
        else:
            valid += len(m.group())
    if valid and valid >= UTF8_SHARE * (valid + stray):
        return "stray"
    letters = len(_UTF8_CYRILLIC.findall(sample))
    if letters >= 3 and 2 * letters >= MIXED_SHARE * (valid + stray):
        return "mixed"
    return ""


def _utf16_without_bom(data: bytes) -> str:
    """ "utf-16-le" or "utf-16-be" for UTF-16 text saved without its byte-order mark (a NUL
    byte in every other place, as Latin digits and separators are written), else ""."""
    sample = data[:4096]
    if len(sample) < 8:
        return ""
    half = len(sample) // 2
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd >= 0.1 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.1 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return ""


def _line_at(data: bytes, pos: int, encoding: str = "utf-8") -> int:
    if encoding == "utf-16":
        return data[2 : pos - pos % 2].decode("utf-16-le", errors="replace").count("\n") + 1
    return data[:pos].count(b"\n") + 1


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding). UTF-8 with or without BOM, UTF-16 with BOM, else the
    single-byte Cyrillic code page (Windows-1251, KOI8-R, CP866) that reads most like Russian.
    Raises ListFileError when the bytes are not text in the encoding they announce, or are
    UTF-8 but for a few bad bytes (naming the line and the byte of the first)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as e:
                # utf-8-sig counts from after its BOM; the message counts from the file's start
                pos = e.start + (len(bom) if encoding == "utf-8-sig" else 0)
                raise ListFileError(
                    _(
                        "Line %(line)s: the file starts with a %(enc)s byte-order mark but is not "
                        "%(enc)s text (at byte %(pos)s); save it again as %(enc)s."
                    )
                    % {
                        "enc": encoding.upper().removesuffix("-SIG"),
                        "pos": pos,
                        "line": _line_at(data, pos, encoding),
                    }
                ) from None
    bare16 = _utf16_without_bom(data)
    if bare16:
        try:
            return data.decode(bare16), "utf-16"
        except UnicodeDecodeError as e:
            raise ListFileError(
                _(
                    "Line %(line)s: the file looks like UTF-16 text without a byte-order mark but "
                    "is not (at byte %(pos)s); save it again as UTF-8."
                )
                % {
                    "line": data[: e.start - e.start % 2]
                    .decode(bare16, errors="replace")
                    .count("\n")
                    + 1,
                    "pos": e.start,
                }
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        kind = _utf8_kind(data)
        where = {"line": _line_at(data, e.start), "byte": data[e.start], "pos": e.start}
        if kind == "stray":
            raise ListFileError(
                _(
                    "Line %(line)s: byte 0x%(byte)02x (at byte %(pos)s) is not UTF-8, though the "
                    "rest of the file is; the file is damaged. Save it again as UTF-8."
                )
                % where
            ) from None
        if kind == "mixed":
            raise ListFileError(
                _(
                    "Line %(line)s: byte 0x%(byte)02x (at byte %(pos)s) is not UTF-8, though much "
                    "of the file is: parts of it were saved in another encoding. Save it again "
                    "as UTF-8."
                )
                % where
            ) from None
    western = western_word(data)
    if western:
        raise ListFileError(
            _(
                "The file is in a Western European encoding (Windows-1252 or Latin-1), not UTF-8 "
                "or a Cyrillic one: read as Windows-1251, «%(word)s» would become «%(wrong)s». "
                "Save it again as UTF-8."
            )
            % {"word": western, "wrong": western.encode("cp1252").decode("cp1251", "replace")}
        ) from None
    best = guess_single_byte(data)
    try:
        return data.decode(best), best
    except UnicodeDecodeError as e:  # cp1251 leaves 0x98 undefined
        raise ListFileError(
            _(
                "Line %(line)s: cannot decode the file (tried UTF-8 and "
                "%(enc)s): byte 0x%(byte)02x at %(pos)s."
            )
            % {"enc": best, "byte": data[e.start], "pos": e.start, "line": _line_at(data, e.start)}
        ) from None


def _lines(text: str, limits: Limits) -> Iterator[str]:
    """The physical lines of `text`, each ending in "\n" (CRLF, CR and LF alike), refusing a
    line longer than any row within the bounds could be, before it is copied."""
    start, n = 0, 0
    for m in _EOL.finditer(text):
        n += 1
        if m.start() - start > limits.max_line_chars:
            raise limits.line_too_long(n)
        yield text[start : m.start()] + "\n"
        start = m.end()
    if start < len(text):
        if len(text) - start > limits.max_line_chars:
            raise limits.line_too_long(n + 1)
        yield text[start:]


def _separator_counts(text: str) -> list[dict[str, int]]:
    """For each record of `text` (a line, or several when a quoted cell holds line breaks),
    how many of each candidate separator stand outside quotes. A quote opens a cell only at
    the start of a line or right after a candidate separator, as a spreadsheet reads it; a
    record still open at the end of `text` is left out."""
    records: list[dict[str, int]] = []
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quote = False
    at_start = True
    filled = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if in_quote:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1
                else:
                    in_quote = False
            i += 1
            continue
        if ch == '"' and at_start:
            in_quote = filled = True
            at_start = False
        elif ch in "\r\n":
            if filled:  # blank lines say nothing about the separator
                records.append(counts)
            counts = dict.fromkeys(DELIMITERS, 0)
            filled = False
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            at_start = True
        elif ch in DELIMITERS:
            counts[ch] += 1
            at_start = filled = True
        else:
            at_start = False
            filled = filled or not ch.isspace()
        i += 1
    if filled and not in_quote:
        records.append(counts)
    return records


def sniff_delimiter(text: str) -> str:
    """The separator of a delimited text: the candidate (",", ";", tab, "|") found outside
    quotes the same number of times on the most of its first 50 records (a comma inside a
    quoted cell of a ";" file does not count); "" when the text has a single column."""
    return _sniff(text)[0]


def _sniff(text: str) -> tuple[str, int]:
    """(separator, how many of it a full row has)."""
    head = text[:SNIFF_CHARS]
    records = _separator_counts(head)
    # Lines of a preamble above the header hold no separator: count from the first that does
    start = next((i for i, r in enumerate(records) if any(r.values())), 0)
    records = records[start : start + 50]
    if len(records) < 2:  # a quote open from the first line: count as if quotes were text
        records += [
            {d: line.count(d) for d in DELIMITERS}
            for line in head.splitlines()[:50]
            if line.strip()
        ]
    if not records:
        return "", 0
    best, best_key = "", (0.0, 0)
    for d in DELIMITERS:
        per_line = [r[d] for r in records]
        common = max(set(per_line), key=lambda c: (per_line.count(c), c))
        if common == 0:
            nonzero = [c for c in per_line if c]
            if not nonzero:
                continue
            common = max(set(nonzero), key=nonzero.count)
        share = per_line.count(common) / len(per_line)
        key = (round(share, 2), common)
        if key > best_key:
            best, best_key = d, key
    return best, best_key[1]


def cell_text(value) -> str:
    """An XLSX cell as text: real dates as ISO dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# The header is searched among this many non-blank rows (a court's or a hospital's preamble
# can run to a page); one further down is chosen by hand (--header-row, the preview).
HEADER_SEARCH_ROWS = 60
# A cell this long, or of this many words, is a sentence (a title), not a column title
TITLE_CHARS, TITLE_WORDS = 40, 5
LEGACY_HEADER = -1  # see _choose_header


def _is_title(cell: str) -> bool:
    return (
        bool(cell)
        and not any(ch.isdigit() for ch in cell)
        and any(_title_score(cell, f) for f in HEADER_WORDS)
    )


def _is_data(cell: str) -> bool:
    """A cell that is a value, never a column title: a date, a number, a full name."""
    return bool(cell) and (
        bool(_DATE.match(cell)) or cell.replace(".", "").isdigit() or bool(_NAME.match(cell))
    )


def _header_score(cells: list[str], below: Sequence[Sequence[str]] = ()) -> int:
    """How much a row looks like a header: two points per cell that is a known column title,
    one per filled cell, and two per title with a value under it in the row `below` (a
    header stands over data; a title row over the header has titles under it); -1 for a row
    holding a value (a date, a name) or no title at all, and for a title row: one long cell
    (a sentence) over a row with more cells."""
    if any(_is_data(c) for c in cells):
        return -1
    titled = [i for i, c in enumerate(cells) if _is_title(c)]
    if not titled:
        return -1
    filled = [c for c in cells if c]
    if (
        len(filled) == 1
        and below
        and _is_sentence(filled[0])
        and (sum(1 for c in below[0] if c) > 1 or all(_is_title(c) for c in below[0] if c))
    ):
        return -1
    over_data = sum(
        1 for i in titled if any(i < len(r) and r[i] and not _is_title(r[i]) for r in below)
    )
    return 2 * len(titled) + len(filled) + 2 * over_data


def _is_sentence(cell: str) -> bool:
    return len(cell) > TITLE_CHARS or len(cell.split()) >= TITLE_WORDS


def _sub_header(top: list[str], below: list[str]) -> list[str] | None:
    """The header made of two rows when `below` continues `top` ("ФИО" merged over Фамилия |
    Имя | Отчество): each column titled by its lower cell, or the upper one where the lower is
    empty. None when `below` is a row of data."""
    filled = [c for c in below if c]
    titles = [c for c in filled if _is_title(c)]
    if (
        not titles
        or any(_is_data(c) for c in filled)
        or (len(titles) < 2 and len(titles) < len(filled))
    ):
        return None
    width = max(len(top), len(below))
    top, below = top + [""] * (width - len(top)), below + [""] * (width - len(below))
    return [b or t for t, b in zip(top, below, strict=True)]


def _choose_header(
    numbered: list[tuple[int, list[str]]], header_row: int | None, has_header
) -> tuple[int, int]:
    """(index in `numbered` of the header row, -1 for none; how many rows it spans).
    header_row=LEGACY_HEADER reads as lists stored before the header search were read: the
    first non-blank row, unless has_header is None and it holds no known column title."""
    if header_row == LEGACY_HEADER:
        if has_header is None and not looks_like_header(numbered[0][1]):
            return -1, 1
        return 0, 1
    if header_row is not None or has_header is False:
        if not header_row:
            return -1, 1
        for i, (line, _cells) in enumerate(numbered):
            if line == header_row:
                return i, 1
        raise ListFileError(
            _("Line %(line)s is blank or past the end of the list; it cannot be the header.")
            % {"line": header_row}
        )
    head = [cells for _line, cells in numbered[: HEADER_SEARCH_ROWS + 2]]
    scores = [
        _header_score(cells, head[i + 1 : i + 2])
        for i, cells in enumerate(head[:HEADER_SEARCH_ROWS])
    ]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    if scores[best] < 0:
        first = numbered[0][1]
        if has_header is None and any(_is_data(c) for c in first):
            return -1, 1  # no title anywhere, and the first row holds values: no header
        return 0, 1
    if best > 0 and scores[best - 1] > 0:
        above, row = numbered[best - 1][1], numbered[best][1]
        if any(c and (i >= len(row) or not row[i]) for i, c in enumerate(above)):
            return best - 1, 2  # a title over columns the row below leaves empty: one header
    return best, 1


def _finish(
    grid: Iterable[list[str]],
    *,
    encoding: str,
    delimiter: str,
    has_header,
    limits: Limits,
    header_row: int | None = None,
) -> Table:
    """Check each row against the bounds as it comes, drop blank rows (keeping line numbers),
    find the header (see `read_text`), pad short rows."""
    counter = Counter(limits)
    numbered = []
    for i, r in enumerate(grid):
        counter.row(i + 1, r)
        # Bidi controls (U+202E…) would show a caseworker a name in another order than stored
        cells = [strip_bidi(c).strip() for c in r]
        if any(cells):
            numbered.append((i + 1, cells))
        elif any("\n" in c or "\r" in c for c in r):
            # Not a blank line: a row someone wrote a line break into ("\n" in quotes, or a
            # cell with Alt+Enter), which a spreadsheet shows as a row. Dropping it in silence
            # would import fewer people than the file shows rows.
            raise ListFileError(
                _(
                    "Line %(line)s: the row holds nothing but a line break "
                    "inside a cell. Delete the row, or write into it what "
                    "belongs there."
                )
                % {"line": i + 1}
            )
    if not numbered:
        raise ListFileError(_("The file has no rows."))
    at, _span = _choose_header(numbered, header_row, has_header)
    notes = []
    if at < 0 and header_row != LEGACY_HEADER:
        _refuse_prose(numbered[:HEADER_SEARCH_ROWS])
    if at < 0:
        width = max(len(r) for _, r in numbered)
        header = [_("Column %(n)s") % {"n": i + 1} for i in range(width)]
        body = numbered
        first_line = numbered[0][0]
        notes.append(
            _(
                "The list has no header: its first line is a row of data, and the "
                "columns are numbered."
            )
        )
        line_of = lambda line: line - first_line + 1  # noqa: E731 - line 1 is the first row
        header_line = 0
    else:
        header_line, header = numbered[at]
        body = numbered[at + 1 :]
        if body and header_row != LEGACY_HEADER:
            merged = _sub_header(header, body[0][1])
            if merged is not None:
                notes.append(
                    _("The header spans lines %(a)s and %(b)s.")
                    % {"a": header_line, "b": body[0][0]}
                )
                header, body = merged, body[1:]
        if at > 0:
            notes.append(
                _("The header is line %(line)s; the lines above it are not data.")
                % {"line": header_line}
            )
        limits.check_header(header)
        line_of = lambda line: line  # noqa: E731
    width = len(header)
    rows, lines = [], []
    for line, cells in body:
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        rows.append(cells)
        lines.append(line_of(line))
    return Table(
        header=header,
        rows=rows,
        lines=lines,
        encoding=encoding,
        delimiter=delimiter,
        has_header=at >= 0,
        notes=notes,
        header_row=header_line,
    )


def _refuse_prose(numbered: list[tuple[int, list[str]]]) -> None:
    """A list without a header is a table only when its rows hold values: refuse one whose
    row holds running text (`limits.is_running_text`) (an article, a letter pasted as a file),
    naming the line, before a fragment of a sentence is stored as a man's name or date. A
    list with a header may keep long notes in a column the header names."""
    for line, cells in numbered:
        for cell in cells:
            if is_running_text(cell):
                raise ListFileError(
                    _(
                        "Line %(line)s is running text, not a row of a list: «%(text)s». "
                        "Nothing was imported. A list is a table: one person per line, the "
                        "columns separated by commas, semicolons or tabs, best under a header "
                        "row that names them."
                    )
                    % {"line": line, "text": quote(cell, 50)}
                )


def _unclosed(line: int) -> ListFileError:
    return ListFileError(
        _(
            'Line %(line)s: a quote (") opens a cell here and is never closed, '
            "so the cell swallows the rows after it. Add the closing quote or "
            "remove this one."
        )
        % {"line": line}
    )


def _swallowed(cell: str, delimiter: str, full: int, widths: Collection[int] = ()) -> bool:
    """True when the lines after the first in a quoted `cell` are rows of the list, not the
    lines of an address or a note: a whole line inside the cell that is a record of a row's
    width (`full` separators, or as many cells as a one-line record above had: `widths`), a
    line with a full row's separators holding a value (a date, a name), or two such
    lines whatever they hold, or a line one separator short (its empty last cells left off)
    that starts with a name and holds a date."""

    if not full:
        return False
    rows = 0
    parts = cell.split("\n")
    for k, part in enumerate(parts[1:], 1):
        raw = part.rstrip("\r").split(delimiter)
        fields = [f.strip() for f in raw]
        dated = any(_DATE.match(f) for f in fields)
        # A whole line inside the cell (not its last, which the closing quote shares with the
        # rest of the row) with a row's width, written as a program writes a record (no space
        # after a separator, as a sentence's commas have): a row the quote swallowed.
        if (
            k < len(parts) - 1
            and (len(fields) == full + 1 or len(fields) in widths)
            and sum(1 for f in fields if f) > 1
            and not any(f[:1].isspace() for f in raw[1:])
        ):
            return True
        if len(fields) > full:
            rows += 1
            if rows >= 2 or dated or any(_NAME.match(f) for f in fields):
                return True
        elif len(fields) == full and full > 1 and dated and _NAME.match(fields[0]):
            return True
    return False


class _Recorder:
    """The physical lines the csv reader asked for since the last record: the raw text of
    the record it returns (the reader reads no further than a record's end)."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line


def _csv_rows(text: str, delimiter: str, limits: Limits, full: int = 0) -> Iterator[list[str]]:
    """The records of a delimited text. A quoted cell that runs across line breaks into lines
    holding a full row's separators (`full`), or to the end of the text, is a quote never
    closed: refused, naming the line where it opened."""
    recorder = _Recorder(_lines(text, limits))
    reader = csv.reader(recorder, delimiter=delimiter)
    n = 0
    last: list[str] | None = None
    widths: set[int] = set()  # cells of the one-line records so far (the header's, the rows')
    try:
        for row in reader:
            n += 1
            if len(recorder.taken) > 1:
                if any("\n" in cell and _swallowed(cell, delimiter, full, widths) for cell in row):
                    raise _unclosed(n)
                last = recorder.taken
            else:
                last = None
                if len(row) > 1 and len(widths) < 8:
                    widths.add(len(row))
            recorder.taken = []
            yield row
    except csv.Error as e:
        if "field limit" in str(e):
            raise limits.cell_too_long(n + 1) from None
        raise ListFileError(
            _("Line %(line)s: cannot read the file as CSV (%(err)s).") % {"line": n + 1, "err": e}
        ) from None
    if last is not None:  # the last record spans lines: did its quote ever close?
        try:
            list(csv.reader(last, delimiter=delimiter, strict=True))
        except csv.Error as e:
            if "unexpected end of data" in str(e):
                raise _unclosed(n) from None


def read_text(
    text: str,
    *,
    encoding: str = "text",
    has_header=None,
    header_row: int | None = None,
    limits: Limits | None = None,
) -> Table:
    """Delimited text (a CSV file's content or text pasted from a spreadsheet).

    The header is the row among the first HEADER_SEARCH_ROWS non-blank ones that best matches
    known column titles and stands over data (title rows and blank lines above it are not
    data), two rows when the second continues the first
    (a merged "ФИО" over Фамилия | Имя | Отчество); with has_header=None a text whose first
    row holds values (a name, a date) and no title has no header, its columns numbered.
    `header_row` (a spreadsheet line number, 0 for none) overrides the search.
    Raises ListFileError (ListTooLarge over a bound of `limits`, default from settings)."""
    limits = limits or Limits.from_settings()
    if not text.strip():
        raise ListFileError(_("The file has no rows."))
    delimiter, full = _sniff(text)
    if delimiter:
        grid = _csv_rows(text, delimiter, limits, full)
    else:
        grid = ([line.rstrip("\n")] for line in _lines(text, limits))
    return _finish(
        grid,
        encoding=encoding,
        delimiter=delimiter,
        has_header=has_header,
        header_row=header_row,
        limits=limits,
    )


def read_xlsx(data: bytes, limits: Limits | None = None, header_row: int | None = None) -> Table:
    """The first sheet of an XLSX workbook; date cells come back as ISO dates.
    Raises ListFileError (see kintrace.lists.xlsx for what is refused and when)."""
    limits = limits or Limits.from_settings()
    grid = ([cell_text(v) for v in row] for row in read_rows(data, limits))
    return _finish(
        grid,
        encoding="xlsx",
        delimiter="",
        has_header=True if header_row == LEGACY_HEADER else None,
        limits=limits,
        header_row=header_row,
    )


def is_xlsx(data: bytes, filename: str = "") -> bool:
    """True for a zip (an XLSX workbook, or a file that must be refused as one) or an OLE2
    file (an old .xls or an encrypted workbook): decided by the bytes, not the name, so a CSV
    saved as "list.xlsx" is still read as a CSV."""
    return data[:4] == b"PK\x03\x04" or data.startswith(CFB_SIGNATURE)


def read_list(
    data: bytes, filename: str = "", limits: Limits | None = None, header_row: int | None = None
) -> Table:
    """A file's bytes → Table. XLSX by signature, everything else as delimited text; the
    header found as `read_text` finds it, or the line `header_row` (0: no header).
    Raises ListFileError: unreadable, or over a bound (ListTooLarge)."""
    if not data.strip():
        raise ListFileError(_("The file is empty."))
    if is_xlsx(data, filename):
        return read_xlsx(data, limits, header_row=header_row)
    text, encoding = decode(data)
    legacy = header_row == LEGACY_HEADER
    return read_text(
        text,
        encoding=encoding,
        has_header=True if legacy else None,
        header_row=header_row,
        limits=limits,
    )
