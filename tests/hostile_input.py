"""A corpus of hostile input and a way to pour it into any form, kept apart from the test that uses it so the REST
API (and any later door) can run the same corpus: :func:`payloads` turns a field description into request data.

Nothing here may cause a server error anywhere: every value is either refused with a message or stored harmlessly.
"""

import io
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile

TEXTS = [
    "A" * 100_000,  # far beyond any limit
    "Zeile\x01\x02\x07\x1b[31m rot\x7f",  # control characters
    "vor\x00nach",  # NUL: PostgreSQL refuses it in text
    "\u202eevil\u200b\ufeff Ａｄｍｉｎ e\u0301\u0301\u0301 🧨👩‍👩‍👧 \U0001d573",  # bidi override, zero width, wide, emoji
    '<script>alert(1)</script><img src=x onerror=alert(2)>" onmouseover="alert(3)',
    "'; DROP TABLE managers_managerprofile; -- \" OR 1=1 /*",
    "   ",  # only blanks
    "%s %d {0} {{ request }} ${jndi:ldap://x}",  # format strings and template syntax
    "x" * 161,  # just past the common 160-character limit
]
DATES = ["9999-12-31", "0001-01-01", "1949-12-31", "2026-02-30", "31.12.9999", "-1", "2026-13-01", "today", "1e9"]
NUMBERS = ["99999999999999999999", "-1", "1e308", "NaN", "-0", "3.5", "0x10", "2147483648", "٣"]
URLS = [
    "https://linkedin.com.evil.example/in/x",
    "https://evil.example/?u=linkedin.com/in/x",
    "javascript:alert(1)//linkedin.com/",
    "https://user:pw@www.linkedin.com/in/x",
    "https://www.linkedin.com:8443/in/x",
    "http://www.linkedin.com/in/x",
]
EMAILS = ["not-an-email", "a@b", "x@example.com\r\nBcc: victim@example.com", "ä" * 300 + "@example.com"]


def hostile_files():
    """Wrong types, a renamed executable, an empty file, a bomb whose headers lie, an absurd name."""
    from tests.managers.files import EXE_BYTES, PNG_BYTES, lying_docx_bytes

    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "0" * (60 * 1024 * 1024))
    return [
        ("lebenslauf.pdf", EXE_BYTES),
        ("foto.docx", PNG_BYTES),
        ("leer.pdf", b""),
        ("bombe.docx", lying_docx_bytes(60 * 1024 * 1024)),
        ("ehrliche-bombe.docx", zipped.getvalue()),
        ("../../etc/passwd.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("x" * 500 + ".pdf", b"%PDF-1.4\n%%EOF\n"),
    ]


# --- Pouring it into a form ----------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, date, number, url, email, file, select, checkbox, radio, hidden, password
    value: str = ""
    options: list = field(default_factory=list)


def payloads(fields, rounds=None):
    """One request's data per round: every field a person types into gets the next hostile value of its kind;
    choices keep a valid option (a browser offers nothing else) except in the rounds that send a hostile one."""
    files = hostile_files()
    rounds = rounds or max(len(TEXTS), len(DATES), len(NUMBERS), len(files))
    for n in range(rounds):
        data = {}
        for f in fields:
            value = _value(f, n, files)
            if value is not None:
                data.setdefault(f.name, []).append(value)
        yield {k: v if len(v) > 1 else v[0] for k, v in data.items()}


def _value(f, n, files):
    by_kind = {
        "text": TEXTS,
        "textarea": TEXTS,
        "password": TEXTS,
        "search": TEXTS,
        "tel": TEXTS,
        "date": DATES,
        "number": NUMBERS,
        "url": URLS,
        "email": EMAILS,
    }
    if f.kind in by_kind:
        values = by_kind[f.kind]
        return values[n % len(values)]
    if f.kind == "file":
        name, content = files[n % len(files)]
        return SimpleUploadedFile(name, content, content_type="application/octet-stream")
    if f.kind in ("select", "radio"):
        valid = [o for o in f.options if o != ""]
        if n % 3 == 2 or not valid:
            return TEXTS[n % len(TEXTS)][:200]
        return valid[n % len(valid)]
    if f.kind == "checkbox":
        return f.value or "on"
    return f.value  # hidden fields and submit buttons as the page sent them


class FormParser(HTMLParser):
    """The POST forms of a page: action, enctype and fields (with the options of selects)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "enctype": a.get("enctype", ""), "fields": []}
            self.forms.append(self._form)
        if self._form is None or a.get("disabled") is not None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                existing = [f for f in self._form["fields"] if f.name == name and f.kind == "radio"]
                if existing:
                    existing[0].options.append(a.get("value", ""))
                    return
                self._form["fields"].append(Field(name, "radio", a.get("value", ""), [a.get("value", "")]))
                return
            if kind in ("submit", "button", "image", "reset"):
                return
            self._form["fields"].append(Field(name, kind, a.get("value", "")))
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            if not any(f.name == name for f in self._form["fields"]):
                self._form["fields"].append(Field(name, "hidden", a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea")
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = Field(name, "select")
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms
