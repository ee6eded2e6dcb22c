"""Parse a person's full name, in any script and any order, into normalised parts and keys.

How the order is decided
------------------------
The text is cleaned (:func:`kintrace.names.text.clean`), cut at the first comma that is
followed by something other than given names (so "Иванов Александр Сергеевич, 1984"
keeps the name), and split into words and initials ("А.С.", "А. С.", "Yu.").
Look-alike letters are fixed word by word toward the script of the text.

Every word gets three role scores, cached per distinct word:

* patronymic — suffix (-ович/-евич/-ьич/-овна/-евна/-ична and their case endings, checked
  on the Cyrillic reading of Latin words too) or the dictionary's ``Patr`` tag;
* given name — the given-name table (``data/given_names.tsv``: full names, diminutives,
  English and Ukrainian forms) or the dictionary's ``Name`` tag;
* surname — the dictionary's ``Surn`` tag, surname suffixes (-ов/-ев/-ин/-ский/-енко/-ук/…),
  or simply being unknown as a given name.

The candidate orders (Фамилия Имя Отчество, Имя Отчество Фамилия, Имя Фамилия, Фамилия Имя,
Имя Отчество, with initials filling the slots no word took) are scored by the sum of the
role scores, a small prior per order and script (Russian lists put the surname first;
Latin text more often puts it last), a strong bonus for the word before a "SURNAME, Given"
comma, and a bonus for an all-capitals word among mixed-case ones ("ИВАНОВ Александр").

Grammatical case and sex
------------------------
Names inside sentences come declined ("Иванова Александра Сергеевича"); the surname
declension types and their readings are in :mod:`kintrace.names.parse.surnames`. Each of the 12
(sex, case) hypotheses is scored by how well every word's dictionary readings in its role
fit it; the nominative is favoured, and Latin words are taken as nominative only. The winner
gives the nominative of every part in that sex: a male genitive patronymic makes
"Иванова Александра" Иванов Александр, while "Иванова Мария Петровна" stays female. ``sex``
is reported only when the hypotheses of one sex clearly win ("Саша Смит" has none).

Keys
----
``name_key`` is a coarse ASCII spelling key (see :mod:`kintrace.names.translit`) identical
across scripts and transliteration schemes. ``surname_key`` folds the female form into the
male one (Иванова → ivanov, Жуковская → zhukovski; a man's own -ова stays: Голова) and
gives every adjectival ending one key (Белый = Белая, Лановой = Лановая, Трубецкой =
Трубецкий; Толстых stays apart), ``given_key`` is the key of the
*canonical full* given name (Саша/Sasha/Alexander → aleksandr; a woman's Александра keeps
aleksandra), and ``patronymic_key`` is sex-neutral: Сергеевна is keyed as Сергеевич
(sergeevich), since brother and sister share a father and sex is a field of its own.

Known ambiguity
---------------
Diminutives standing for several names (Женя, Саша, Слава, Валя, Гоша…) resolve by sex,
male when it is unknown, and the other readings are in ``given_alternatives``. A Latin
initial "Y." is taken as Е (Yevgeny/Yegor); "J." as Ю. Four or more words: the first three
are used. Single words that are both given names and surnames (Роман, Павел → Павлов is not
one) follow the order prior. A -ович word the dictionary also knows as a surname
(Абрамович) is a weaker patronymic: "Роман Абрамович" is Имя Фамилия. An upper-case Г, Р
or B is an initial unless a number came before it ("1984 Г.Р.").

Modules
-------
``tokens`` (words and initials of the text) → ``words`` (each word's readings and role
scores) → ``order`` (roles, then the (sex, case) hypothesis) → ``inflection`` (each part's
nominative) → ``keys`` → ``assembly`` (the one place a :class:`ParsedName` is put
together). ``general`` and ``fast`` are the two ways through for free text, ``columns``
the one for split columns; ``result`` holds :class:`ParsedName`.

Speed
-----
``parse_name`` first tries ``_parse_fast`` (one to three words: decisions cached per tuple
of word signatures, parts memoised per word and hypothesis), and falls back to
``_parse_general``, the reference it is tested against. Both end in the same assembly.
See docs/names.md, "Speed".
"""

from kintrace.names.parse.columns import _parse_parts_general, parse_name_parts
from kintrace.names.parse.fast import _parse_fast
from kintrace.names.parse.general import _parse_general, parse_name
from kintrace.names.parse.keys import name_key
from kintrace.names.parse.result import ParsedName

__all__ = ["ParsedName", "name_key", "parse_name", "parse_name_parts"]
# _parse_fast, _parse_general and _parse_parts_general are imported for the tests that hold
# the paths to one another.
_REFERENCE_PATHS = (_parse_fast, _parse_general, _parse_parts_general)
