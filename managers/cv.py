"""CV files: checked by their bytes, stored privately under a random name, served only to those allowed.

Uploads land in ``settings.PRIVATE_MEDIA_ROOT/cv/`` under a random name; the manager's own file name is kept only
as a label for downloads. Nothing here decides *who* may download: callers check that first (the owner and staff
in ``managers.views``; a client of a released candidacy in ``mandates``) and then call :func:`cv_response` or
:func:`cv_file_response`. Other apps that must keep a CV as it was at one moment (``mandates`` freezes the CV a
client gets at release) take their own copy with :func:`copy_cv` and delete it with :func:`delete_cv_file`.
"""

import secrets
import shutil
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

PDF = "pdf"
DOCX = "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# A real CV as DOCX has a few dozen zip members and a few MB unpacked; far beyond that is a zip bomb.
DOCX_MAX_MEMBERS = 500
DOCX_MAX_UNCOMPRESSED = 50 * 1024 * 1024
INFLATE_CHUNK = 64 * 1024
SUBDIR = "cv"


def _display_name(name):
    """A harmless label from the uploaded name; raises for names that try to point somewhere else."""
    name = unicodedata.normalize("NFC", name or "")
    if not name or "/" in name or "\\" in name or "\x00" in name or name.startswith(".") or ".." in name:
        raise ValidationError(_("Der Dateiname ist ungültig. Bitte benennen Sie die Datei um."), code="cv_name")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError(_("Der Dateiname ist ungültig. Bitte benennen Sie die Datei um."), code="cv_name")
    stem, _dot, ext = name.rpartition(".")
    safe = get_valid_filename(stem)[:150] or "cv"
    return f"{safe}.{ext.lower()}"


def _inflated_size(upload, member, budget):
    """How many bytes ``member`` really unpacks to, counted up to just past ``budget``.

    The sizes in a zip's headers are whatever the file says; a zip bomb claims a few bytes and unpacks to
    gigabytes. So the member's deflate stream is read from its local header on and inflated in bounded chunks
    until the stream itself ends, without looking at the claimed sizes at all.
    """
    upload.seek(member.header_offset)
    header = upload.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header where the directory says")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    upload.seek(member.header_offset + 30 + name_length + extra_length)
    if member.compress_type == zipfile.ZIP_STORED:
        return min(member.compress_size, upload.size)  # stored bytes are in the upload itself
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("compression a DOCX does not use")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    while not inflater.eof and size <= budget:
        data = inflater.unconsumed_tail or upload.read(INFLATE_CHUNK)
        if not data:
            raise zipfile.BadZipFile("deflate stream cut off")
        size += len(inflater.decompress(data, INFLATE_CHUNK))
    return size


def _check_docx(upload):
    rejected = ValidationError(_("Die DOCX-Datei ist ungewöhnlich aufgebaut und wurde abgelehnt."), code="cv_zip")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
        if len(members) > DOCX_MAX_MEMBERS:
            raise rejected
        names = {m.filename for m in members}
        if any(n.startswith("/") or ".." in n.split("/") for n in names):
            raise rejected
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise ValidationError(_("Die Datei ist kein gültiges Word-Dokument (DOCX)."), code="cv_type")
        unpacked = 0
        for member in members:
            size = _inflated_size(upload, member, DOCX_MAX_UNCOMPRESSED - unpacked)
            unpacked += size
            # Too big, or not the size the headers claim: a real Word file never lies about its sizes.
            if unpacked > DOCX_MAX_UNCOMPRESSED or size != member.file_size:
                raise rejected
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error):
        raise ValidationError(_("Die Datei ist kein gültiges Word-Dokument (DOCX)."), code="cv_type") from None
    finally:
        upload.seek(0)


def validate_cv(upload):
    """Check an uploaded CV; returns ``(kind, display_name)`` or raises ``ValidationError`` with a clear message."""
    if upload.size == 0:
        raise ValidationError(_("Die Datei ist leer."), code="cv_empty")
    if upload.size > settings.CV_MAX_BYTES:
        raise ValidationError(
            _("Die Datei ist zu groß (höchstens %(mb)s MB)."),
            code="cv_size",
            params={"mb": settings.CV_MAX_BYTES // (1024 * 1024)},
        )
    name = _display_name(upload.name)
    extension = name.rsplit(".", 1)[-1]
    if extension not in CONTENT_TYPES:
        raise ValidationError(_("Bitte laden Sie eine PDF- oder DOCX-Datei hoch."), code="cv_type")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    # The bytes decide, not the name: a renamed executable or image is refused even as "cv.pdf".
    guessed = filetype.guess(head)
    kind = guessed.extension if guessed else None
    if extension == PDF and (kind != PDF or not head.startswith(b"%PDF-")):
        raise ValidationError(_("Die Datei ist kein gültiges PDF-Dokument."), code="cv_type")
    if extension == DOCX:
        if kind not in (DOCX, "zip"):
            raise ValidationError(_("Die Datei ist kein gültiges Word-Dokument (DOCX)."), code="cv_type")
        _check_docx(upload)
    upload.seek(0)
    return extension, name


def _root():
    return Path(settings.PRIVATE_MEDIA_ROOT)


def cv_path(relative_name):
    """Absolute path of a stored CV; refuses anything that would leave the private root."""
    root = _root().resolve()
    path = (root / relative_name).resolve()
    if root not in path.parents:
        raise Http404
    return path


def _new_name(kind):
    relative = f"{SUBDIR}/{secrets.token_urlsafe(24)}.{kind}"
    path = cv_path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    return relative, path


def store_cv(upload, kind):
    """Write a validated upload under a fresh random name; returns the relative name to keep on the profile."""
    relative, path = _new_name(kind)
    upload.seek(0)
    with open(path, "xb") as out:  # "x": never overwrite, even if a random name ever repeated
        for chunk in upload.chunks():
            out.write(chunk)
    return relative


def copy_cv(relative_name):
    """An independent copy of a stored CV under a fresh random name (its relative name), or "" if there is none.

    Later uploads or the deletion of the original leave the copy as it is; whoever took it deletes it.
    """
    if not relative_name:
        return ""
    source = cv_path(relative_name)
    if not source.is_file():
        return ""
    relative, path = _new_name(source.suffix.lstrip("."))
    with open(source, "rb") as src, open(path, "xb") as out:
        shutil.copyfileobj(src, out)
    return relative


def delete_cv_file(relative_name):
    if relative_name:
        cv_path(relative_name).unlink(missing_ok=True)


def cv_file_response(relative_name, filename=""):
    """Serve a stored CV file as a download named ``filename``. The caller has decided the requester may see it."""
    if not relative_name:
        raise Http404
    path = cv_path(relative_name)
    if not path.is_file():
        raise Http404
    kind = path.suffix.lstrip(".")
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=filename or f"cv.{kind}",
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


def cv_response(profile):
    """Serve ``profile``'s current CV as a download. The caller has already decided that the requester may see it."""
    return cv_file_response(profile.cv_file, profile.cv_original_name)
