"""Every message has a Chinese translation and the committed .mo file matches the .po file."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def unquote(text):
    return (
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text)).encode().decode("unicode_escape").encode("latin-1").decode()
    )


def entries():
    """(context, msgid, msgstr) of every singular entry, the header and fuzzy ones left out."""
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block or "msgid_plural" in block:
            continue
        match = re.search(r"^(?:msgctxt (.*?))?^msgid (.*?)^msgstr (.*?)\Z", block.strip() + "\n", re.S | re.M)
        if match and unquote(match.group(2)):
            yield unquote(match.group(1) or ""), unquote(match.group(2)), unquote(match.group(3))


def test_every_message_is_translated_and_compiled():
    found = list(entries())
    assert len(found) > 50
    with translation.override("zh-hans"):
        for context, msgid, msgstr in found:
            assert msgstr, f"untranslated: {msgid}"
            compiled = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            assert compiled == msgstr, f"stale .mo for: {msgid}"


def test_no_fuzzy_entries_left():
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8").split("\n\n", 1)[1]
