import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from managers.cv import DOCX_MAX_MEMBERS, validate_cv
from tests.managers.files import EXE_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes, lying_docx_bytes, upload

FORM = {"headline": "Interim CFO für den Mittelstand", "summary": "Ich saniere Unternehmen."}


def post_cv(client, cv, **fields):
    return client.post(reverse("manager_section", args=["positioning"]), {**FORM, **fields, "cv": cv})


def message(exc):
    return " ".join(exc.messages)


def test_it_accepts_a_real_pdf_and_a_real_docx():
    assert validate_cv(upload("Lebenslauf.pdf", PDF_BYTES)) == ("pdf", "Lebenslauf.pdf")
    assert validate_cv(upload("CV Anna.DOCX", docx_bytes())) == ("docx", "CV_Anna.docx")


def test_it_rejects_a_renamed_executable():
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.pdf", EXE_BYTES))
    assert message(exc.value) == "Die Datei ist kein gültiges PDF-Dokument."


def test_it_rejects_an_image_renamed_to_docx():
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.docx", PNG_BYTES))
    assert message(exc.value) == "Die Datei ist kein gültiges Word-Dokument (DOCX)."


def test_it_rejects_a_zip_without_a_word_document_as_fake_docx():
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.docx", docx_bytes({"[Content_Types].xml": "<Types/>", "evil.sh": "rm -rf /"})))
    assert message(exc.value) == "Die Datei ist kein gültiges Word-Dokument (DOCX)."


def test_it_rejects_a_docx_with_too_many_members_as_a_zip_bomb():
    members = {f"word/media/{n}.xml": "x" for n in range(DOCX_MAX_MEMBERS + 1)}
    members.update({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.docx", docx_bytes(members)))
    assert "ungewöhnlich aufgebaut" in message(exc.value)


def test_it_rejects_a_docx_that_unpacks_to_huge_size(settings):
    members = {
        "[Content_Types].xml": "<Types/>",
        "word/document.xml": "<w:document>" + "A" * (51 * 1024 * 1024) + "</w:document>",
    }
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.docx", docx_bytes(members)))
    assert "ungewöhnlich aufgebaut" in message(exc.value)


def test_it_rejects_a_docx_whose_headers_lie_about_the_unpacked_size():
    """Headers and CRC claim 1 kB; the deflate stream unpacks to 60 MB. Only inflating it tells."""
    import zipfile

    bomb = lying_docx_bytes(60 * 1024 * 1024)
    assert len(bomb) < 200_000
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(m.file_size for m in archive.infolist()) < 2_000, "the headers really do lie"
        assert len(archive.read("word/document.xml")) == 1000, "and a reader trusting them sees a small file"
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.docx", bomb))
    assert "ungewöhnlich aufgebaut" in message(exc.value)


def test_it_rejects_a_docx_that_lies_about_sizes_even_when_small():
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.docx", lying_docx_bytes(20_000, claimed_size=1000)))
    assert "ungewöhnlich aufgebaut" in message(exc.value)
    validate_cv(upload("lebenslauf.docx", docx_bytes()))  # an honest one passes


def test_it_rejects_an_empty_file():
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.pdf", b""))
    assert message(exc.value) == "Die Datei ist leer."


def test_it_rejects_cv_over_size_limit(settings):
    settings.CV_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.pdf", PDF_BYTES + b"0" * (1024 * 1024)))
    assert message(exc.value) == "Die Datei ist zu groß (höchstens 1 MB)."


@pytest.mark.parametrize("name", ["..pdf", ".hidden.pdf", "lebenslauf..pdf", "a\x07b.pdf", "x\\..\\..\\evil.pdf"])
def test_it_rejects_weird_or_traversing_names(name):
    item = upload("placeholder.pdf", PDF_BYTES)
    item._name = name  # what a hand-made request could carry past Django's own clean-up
    with pytest.raises(ValidationError) as exc:
        validate_cv(item)
    assert "Dateiname" in message(exc.value)


def test_it_rejects_other_extensions_even_with_pdf_bytes():
    with pytest.raises(ValidationError) as exc:
        validate_cv(upload("lebenslauf.pdf.exe", PDF_BYTES))
    assert message(exc.value) == "Bitte laden Sie eine PDF- oder DOCX-Datei hoch."


@pytest.mark.django_db
def test_an_upload_is_stored_privately_under_a_random_name(client, manager, settings):
    client.force_login(manager.user)
    response = post_cv(client, upload("Mein Lebenslauf.pdf"))
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.cv_original_name == "Mein_Lebenslauf.pdf"
    assert manager.cv_file.startswith("cv/") and "Lebenslauf" not in manager.cv_file
    stored = settings.PRIVATE_MEDIA_ROOT / manager.cv_file
    assert stored.read_bytes() == PDF_BYTES


@pytest.mark.django_db
def test_a_path_traversal_name_never_leaves_the_private_folder(client, manager, settings, tmp_path):
    client.force_login(manager.user)
    # Sent as a raw multipart name; Django strips the directories, we store under a random name anyway.
    response = post_cv(client, upload("../../../../tmp/evil.pdf"))
    assert response.status_code == 302
    manager.refresh_from_db()
    assert (settings.PRIVATE_MEDIA_ROOT / manager.cv_file).is_file()
    assert manager.cv_original_name == "evil.pdf"
    assert not (tmp_path / "evil.pdf").exists()


@pytest.mark.django_db
def test_an_invalid_upload_shows_the_reason_and_keeps_what_was_typed(client, manager):
    client.force_login(manager.user)
    response = post_cv(client, upload("lebenslauf.pdf", EXE_BYTES), headline="Neue Überschrift", summary="Mein Text")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Die Datei ist kein gültiges PDF-Dokument." in html
    assert 'value="Neue Überschrift"' in html
    assert "Mein Text" in html
    manager.refresh_from_db()
    assert manager.headline == "Interim CFO"  # nothing saved from a rejected form
    assert manager.cv_file == ""


@pytest.mark.django_db
def test_an_invalid_upload_is_explained_in_english_too(client, manager):
    client.force_login(manager.user)
    client.cookies["django_language"] = "en"
    response = post_cv(client, upload("cv.pdf", b""))
    assert "The file is empty." in response.content.decode()


@pytest.mark.django_db
def test_replacing_the_cv_removes_the_old_file(client, manager, settings, django_capture_on_commit_callbacks):
    client.force_login(manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        post_cv(client, upload("eins.pdf"))
    manager.refresh_from_db()
    first = settings.PRIVATE_MEDIA_ROOT / manager.cv_file
    with django_capture_on_commit_callbacks(execute=True):
        post_cv(client, upload("zwei.docx", docx_bytes()))
    manager.refresh_from_db()
    assert not first.exists()
    assert (settings.PRIVATE_MEDIA_ROOT / manager.cv_file).is_file()
    assert manager.cv_original_name == "zwei.docx"


@pytest.mark.django_db
def test_removing_the_cv_deletes_the_file(client, manager, settings, django_capture_on_commit_callbacks):
    client.force_login(manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        post_cv(client, upload("eins.pdf"))
    manager.refresh_from_db()
    stored = settings.PRIVATE_MEDIA_ROOT / manager.cv_file
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("manager_section", args=["positioning"]), {**FORM, "remove_cv": "on"})
    manager.refresh_from_db()
    assert manager.cv_file == "" and not stored.exists()
