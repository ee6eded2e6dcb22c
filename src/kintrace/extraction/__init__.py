"""The app side of text extraction (docs/extract.md): a pasted text or a source's article
shown with its facts highlighted, and the caseworker's acceptance of a fact into the registry
or a case. The extraction itself is `kintrace.extract` (no Django)."""
