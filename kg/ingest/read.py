"""Reading source files into Documents: .txt, .html/.htm and .docx, one file or a folder.

Every file becomes lines of text; the non-empty lines are the paragraphs,
numbered from 0 as SCHEMA.md section 4 says (a line of only whitespace,
U+3000 and U+00A0 included, is empty; text is the line exactly, without its
line break).  A file that cannot be read is reported with its reason as a
`Skipped` and the rest of the folder is still read.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from bs4 import BeautifulSoup, NavigableString
from bs4.dammit import EncodingDetector
from docx.opc.exceptions import OpcError
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from kg.ingest.documents import documents_from_units, make_document
from kg.io.jsonl import read_input_units
from kg.records import Document, Skipped

SUFFIXES = (".txt", ".html", ".htm", ".docx")
MAX_BYTES = 20 * 1024 * 1024
_HTML_START = (b"<!doctype", b"<html")
_GB_ALIASES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn"}
# Elements that start a new line when a browser renders them.
_BLOCKS = ["address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
           "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
           "h6", "header", "hgroup", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody",
           "td", "tfoot", "th", "thead", "tr", "ul"]
_UNRENDERED = ["script", "style", "noscript", "template", "head", "nav"]
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # not in text files, bar a stray one


class IngestError(Exception):
    """A file that cannot be read; the message names the file."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason


class Corpus:
    """The inputs of a run: the files of a folder (recursively, in sorted path order) or one file, or the documents
    of a JSONL of units {"doc", "para", "text"}.  Listed when made (FileNotFoundError, or kg.io.jsonl.JsonlError
    for a broken JSONL, before any work); iterating reads each file as its Document or as a Skipped with the reason,
    one at a time, so a corpus of files is never held in memory here."""

    def __init__(self, path: Path):
        self.path = path = Path(path)
        self.documents: list[Document] | None = None
        if path.suffix == ".jsonl" and path.is_file():
            self.documents = [document for document, _ in documents_from_units(read_input_units(path))]
            return
        if path.is_dir():
            self.root = path
            # not is_file(): a FIFO or a dangling link with a document's name is reported, not silently left out
            self.files = sorted((p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and not p.is_dir()),
                                key=lambda p: p.relative_to(path).as_posix())
        elif path.exists() or path.is_symlink():
            self.root, self.files = path.parent, [path]
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")

    def __len__(self) -> int:
        return len(self.documents if self.documents is not None else self.files)

    def __iter__(self) -> Iterator[Document | Skipped]:
        if self.documents is not None:
            yield from self.documents
            return
        for file in self.files:
            try:
                yield read_document(file, self.root)
            except IngestError as exc:
                yield Skipped(exc.path, exc.reason)


def read_path(path: Path) -> tuple[list[Document], list[Skipped]]:
    """All documents of a file or a folder (`Corpus`), and the files skipped."""
    documents, skipped = [], []
    for item in Corpus(path):
        (skipped if isinstance(item, Skipped) else documents).append(item)
    return documents, skipped


def read_document(path: Path, root: Path) -> Document:
    """One file as a Document whose id is its path relative to root; IngestError if unreadable."""
    path, root = Path(path), Path(root)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(path, f"unsupported file type {suffix or '(none)'} (expected {', '.join(SUFFIXES)})")
    data = _read_bytes(path)
    if suffix == ".docx":
        text = _docx_text(path, data)
    elif suffix in (".html", ".htm") or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:9].lower().startswith(_HTML_START):
        text = _html_text(path, data)
    else:
        text = _decode(path, data)
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    paragraphs = [(n, line) for n, line in enumerate(line for line in lines if line.strip())]
    if not paragraphs:
        raise IngestError(path, "no text (only whitespace)")
    return make_document(path.relative_to(root).as_posix(), str(path), paragraphs)


_NOT_REGULAR = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"))


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, after its status says it is a regular file of a readable size (a FIFO is never opened,
    so reading one cannot block)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise IngestError(path, f"dangling symbolic link (to {os.readlink(path)}, which does not exist)") from None
        raise IngestError(path, "no such file") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(status.st_mode)), "not a file")
        raise IngestError(path, f"not a regular file ({kind})")
    if status.st_size > MAX_BYTES:
        raise IngestError(path, f"too large: {status.st_size / 2**20:.1f} MB (limit {MAX_BYTES // 2**20} MB)")
    if status.st_size == 0:
        raise IngestError(path, "empty file")
    try:
        return path.read_bytes()
    except PermissionError:
        raise IngestError(path, "permission denied") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from None


def _decode(path: Path, data: bytes, declared: str | None = None) -> str:
    """UTF-8 (BOM or not; UTF-16 with its BOM), else GB18030 when that gives Chinese text; never mojibake."""
    encodings = ["utf-8-sig", "gb18030"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif declared and declared.lower() in _GB_ALIASES:
        encodings.reverse()
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not _chinese_like(text):
            continue
        if "\x00" in text or len(_CONTROL.findall(text)) * 20 > len(text):
            raise IngestError(path, "binary content, not text")
        return text
    raise IngestError(path, "cannot decode: neither UTF-8 nor GB18030 Chinese text")


def _chinese_like(text: str) -> bool:
    """Real GB text is nearly all common (GB2312) characters; other bytes read as GB18030 are not."""
    wide = [c for c in text if ord(c) > 0x7F]
    common = sum(1 for c in wide if _in_gb2312(c))
    return bool(wide) and common >= 0.9 * len(wide)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _html_text(path: Path, data: bytes) -> str:
    """The rendered text of a page: one line per block element or <br>, script/style/nav dropped."""
    declared = None if data.startswith(b"\xef\xbb\xbf") else EncodingDetector.find_declared_encoding(data, is_html=True)
    soup = BeautifulSoup(_decode(path, data, declared), "lxml")
    for tag in soup(_UNRENDERED):
        tag.decompose()
    for node in soup.find_all(string=True):
        if type(node) is NavigableString and node.find_parent("pre") is None:
            node.replace_with(_HTML_SPACE.sub(" ", node))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return "\n".join(line.strip(" ") for line in soup.get_text().split("\n"))


def _docx_text(path: Path, data: bytes) -> str:
    """Paragraphs and table cells (each once, nested tables included) in reading order."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise IngestError(path, f"not a readable .docx ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []

    def walk(container) -> None:
        for item in container.iter_inner_content():
            if isinstance(item, DocxParagraph):
                lines.append(item.text)
                continue
            for row in item.rows:
                seen = set()
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell repeats in row.cells
                        seen.add(cell._tc)
                        walk(cell)

    walk(document)
    return "\n".join(lines)
