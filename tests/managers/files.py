"""Bytes of small but real CV files (and of things pretending to be one) for upload tests."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def docx_bytes(members=None):
    members = members or {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document><w:body><w:p>Lebenslauf</w:p></w:body></w:document>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def upload(name="lebenslauf.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def lying_docx_bytes(real_size, claimed_size=1000):
    """A DOCX whose word/document.xml unpacks to ``real_size`` bytes while both its local header and the central
    directory claim ``claimed_size`` (and the CRC of that many bytes): a zip bomb that trusts no reader to check."""
    body = b"<w:document>" + b"A" * real_size
    content = docx_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": body.decode()})
    data = bytearray(content)
    crc = zlib.crc32(body[:claimed_size])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        member = archive.getinfo("word/document.xml")
    # Local file header: CRC-32 at +14, uncompressed size at +22.
    struct.pack_into("<I", data, member.header_offset + 14, crc)
    struct.pack_into("<I", data, member.header_offset + 22, claimed_size)
    # Central directory entry of the same member: CRC-32 at +16, uncompressed size at +24.
    name = b"word/document.xml"
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if bytes(data[entry + 46 : entry + 46 + length]) == name:
            struct.pack_into("<I", data, entry + 16, crc)
            struct.pack_into("<I", data, entry + 24, claimed_size)
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)
