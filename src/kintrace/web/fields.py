"""Form fields every part uses for text people type or paste.

`TextField` is Django's CharField without the bidirectional controls (U+202E and its kin,
`kintrace.names.text.BIDI_CONTROLS`): stored as typed they would show a name, a title or a
note to the next reader in another order than it was written. They are dropped, as
`kintrace.names` drops them before parsing a name; `tests/web/test_fields.py` checks every
text field of the lists, registry and intake forms is one.
"""

from __future__ import annotations

from django import forms

from kintrace.names.text import strip_bidi


class TextField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return strip_bidi(value) if isinstance(value, str) else value
