"""The product speaks Dutch, French, German and English: every message of the interface has a
translation in each catalogue, and the compiled catalogues match their sources."""

from pathlib import Path

import polib
import pytest

import planwatch

CATALOGUES = sorted(Path(planwatch.__file__).parent.glob("**/locale/*/LC_MESSAGES/django.po"))


def test_there_is_a_catalogue_per_language():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {"nl", "fr", "de"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: "/".join(p.parts[-5:-2]))
def test_every_message_is_translated_and_compiled(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert not missing, f"{len(missing)} untranslated in {path}: {missing[:5]}"
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(path.with_suffix(".mo")))
    }
    current = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po if not e.obsolete}
    assert compiled == current, f"{path.with_suffix('.mo')} is stale: run compilemessages"
