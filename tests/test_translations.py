"""Every string we mark for translation has an Indonesian translation, compiled.

The strings are extracted without system gettext: templates through Django's own
``templatize`` (what ``makemessages`` feeds to xgettext), Python through ``ast``.
"""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
OUR_CODE = ["accounts", "forum", "triage", "config", "templates"]
SKIP_DIRS = {"migrations", "engine", "__pycache__"}
GETTEXT_FUNCTIONS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def our_files(suffix: str):
    for top in OUR_CODE:
        for path in (ROOT / top).rglob(f"*{suffix}"):
            if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
                yield path


def _messages_in_python(source: str):
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        if name not in GETTEXT_FUNCTIONS:
            continue
        context_at, msgid_at = GETTEXT_FUNCTIONS[name]
        args = node.args
        if len(args) > msgid_at and isinstance(args[msgid_at], ast.Constant):
            context = args[context_at].value if context_at is not None else ""
            if isinstance(args[msgid_at].value, str):
                yield context, args[msgid_at].value


CALL = re.compile(r"\b(?:n?p?gettext|_)\(")  # _("..."): Jinja2 templates (config/jinja2.py)


def _messages_in_template(source: str, origin: str):
    # templatize turns {% translate %} and {% blocktranslate %} into gettext() calls
    # surrounded by filler; each call is parsed as Python once its closing paren is found.
    code = templatize(source, origin=origin)
    for match in CALL.finditer(code):
        end = match.end()
        while (end := code.find(")", end) + 1) > 0:
            try:
                tree = ast.parse(code[match.start() : end])
            except SyntaxError:
                continue
            yield from _messages_in_python(ast.unparse(tree))
            break


def extracted_messages() -> set[tuple[str, str]]:
    found = set()
    for path in our_files(".py"):
        found.update(_messages_in_python(path.read_text()))
    for path in our_files(".html"):
        found.update(_messages_in_template(path.read_text(), str(path)))
    return {(ctx, msgid) for ctx, msgid in found if msgid.strip()}


def catalogs() -> list[Path]:
    return sorted(ROOT.glob("locale/id/LC_MESSAGES/django.po")) + sorted(
        ROOT.glob("*/locale/id/LC_MESSAGES/django.po")
    )


def translated() -> set[tuple[str, str]]:
    done = set()
    for po_path in catalogs():
        for entry in polib.pofile(str(po_path)):
            ok = entry.msgstr or (entry.msgstr_plural and all(entry.msgstr_plural.values()))
            if ok and not entry.fuzzy and not entry.obsolete:
                done.add((entry.msgctxt or "", entry.msgid))
    return done


def test_extraction_sees_templates_and_python():
    messages = {msgid for _, msgid in extracted_messages()}
    assert "Log in" in messages  # templates/base.html
    assert "Display name" in messages  # accounts/forms.py
    assert "Hot this week" in messages  # forum/jinja2/forum/home.html
    assert "Page %(n)s of %(total)s+" in messages  # forum/jinja2/forum/_pagination.html


def test_every_marked_string_has_an_indonesian_translation():
    missing = sorted(extracted_messages() - translated())
    assert not missing, (
        f"{len(missing)} strings lack an Indonesian translation; run `make messages`, "
        "translate them in the .po files and run `make messages` again:\n"
        + "\n".join(
            f"  {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid in missing
        )
    )


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(po_path))
        if (e.msgstr or e.msgstr_plural) and not e.fuzzy and not e.obsolete
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(mo_path))
        if e.msgid
    }
    assert source == compiled, f"{mo_path} is stale: run `make messages`"
