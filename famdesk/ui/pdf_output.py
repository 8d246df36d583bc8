"""Where a document made by the core goes: saved where the user chooses and opened (a staff
PC, a family at home), or printed at once without a viewer and without a file left behind
(a kiosk).

`DocumentOutput` bundles the three actions so that a widget calls them and a test replaces
them: `choose_path(parent, title, suggested, file_filter)` (the save dialog, opened from a
slot, never inside a coroutine), `open_file(path)` (the computer's viewer) and
`print_pdf(data)` (the default printer; returns the French reason when it cannot).
Printing a PDF needs Qt's PDF module (PySide6-Addons, optional): without it, or without a
printer, the kiosk says so.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.ui.errors import present_error
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)

PathChooser = Callable[[QWidget, str, str, str], str | None]
"""(parent, dialog title, suggested path, file filter) -> the path chosen, or None."""


def choose_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> str | None:
    path, _selected = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return path or None


def open_with_desktop(path: Path) -> object:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


def with_suffix(chosen: str, suffix: str) -> Path:
    """The chosen path, with `suffix` (".pdf") added when the user left it out."""
    path = Path(chosen)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def write_document(path: Path, data: bytes) -> None:
    """Write `data` to `path`; a `FamdeskError` with the reason when it cannot."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        log.warning("document not written to %s: %s", path, exc)
        raise FamdeskError(_("The file {path} could not be written ({reason}).").format(
            path=path, reason=exc.strerror)) from exc
    log.info("document written to %s", path)


def viewer_copy(data: bytes, name: str) -> Path:
    """A copy of a document for the viewer, in a folder of famdesk's temporary files."""
    folder = Path(tempfile.gettempdir()) / "famdesk-documents"
    folder.mkdir(exist_ok=True)
    path = folder / name
    write_document(path, data)
    return path


RENDER_DPI = 200
"""How finely a page is drawn for the printer (a text page stays sharp, the memory small)."""


def pdf_printing_available() -> bool:
    try:
        from PySide6 import QtPdf  # noqa: F401
    except ImportError:
        return False
    return True


def print_pdf_directly(data: bytes, printer: Any = None) -> str | None:
    """Print a PDF page by page, without a dialog or a file, on `printer` (a `QPrinter`; by
    default the computer's default printer); None when it went to the printer, else the
    French reason it could not."""
    if not pdf_printing_available():
        return _("This computer cannot print: ask for the document at the front desk, or "
                 "have it sent by e-mail.")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    if printer is None:
        if QPrinterInfo.defaultPrinter().isNull():
            return _("No printer is connected to this computer: ask for the document at the "
                     "front desk, or have it sent by e-mail.")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.pageCount() == 0:
        return _("The document could not be printed.")
    painter = QPainter()
    if not painter.begin(printer):
        return _("The printer does not answer: ask at the front desk.")
    try:
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            image = document.render(page, QSize(round(points.width() * RENDER_DPI / 72),
                                                round(points.height() * RENDER_DPI / 72)))
            target = painter.viewport()
            fitted = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.topLeft(), fitted), image)
    finally:
        painter.end()
    log.info("document printed (%d pages)", document.pageCount())
    return None


@dataclass
class DocumentOutput:
    """The save dialog, the viewer and the printer of a widget (tests replace them)."""

    choose_path: PathChooser = choose_save_path
    open_file: Callable[[Path], object] = open_with_desktop
    print_pdf: Callable[[bytes], str | None] = print_pdf_directly
    saved: list[Path] = field(default_factory=list)
    """Every file written through `save()` (the last one last)."""

    def ask_path(self, parent: QWidget, title: str, name: str, file_filter: str,
                 suffix: str) -> Path | None:
        """Ask where to save `name` (in the documents folder by default)."""
        chosen = self.choose_path(parent, title, str(documents_folder() / name), file_filter)
        return with_suffix(chosen, suffix) if chosen else None

    def save(self, path: Path, data: bytes, *, open_it: bool) -> Path:
        write_document(path, data)
        self.saved.append(path)
        if open_it:
            self.open_file(path)
        return path


PDF_FILTER = "PDF (*.pdf)"


class DocumentDelivery:
    """Get a document from the gateway, then hand it over as this computer should: saved
    where the user chooses and opened (a staff PC, a family at home), or straight to the
    printer (a kiosk, for a PDF). `report(message, tone)` tells the widget what happened;
    a failure goes through `present_error`."""

    def __init__(self, owner: QWidget, runner: Runner, output: DocumentOutput, *, kiosk: bool,
                 report: Callable[[str, str], object]) -> None:
        self._owner = owner
        self._runner = runner
        self.output = output
        self.kiosk = kiosk
        self._report = report
        self.jobs: list[Job] = []

    def deliver(self, make: Callable[[], Coroutine[Any, Any, bytes]], *, title: str, name: str,
                file_filter: str = PDF_FILTER, suffix: str = ".pdf") -> bool:
        """Ask where to save first (from the slot, never inside a coroutine), then call
        `make()`; False when the user cancelled."""
        if self.kiosk and suffix == ".pdf":
            self._submit(make(), self._on_printable)
            return True
        path = self.output.ask_path(self._owner, title, name, file_filter, suffix)
        if path is None:
            return False
        self._submit(make(), lambda data: self._on_saveable(path, data))
        return True

    def cancel(self) -> None:
        for job in self.jobs:
            job.cancel()
        self.jobs.clear()

    def _submit(self, coro: Coroutine[Any, Any, bytes], done: Callable[[bytes], None]) -> None:
        self.jobs = [job for job in self.jobs if not job.done()]
        self.jobs.append(self._runner.submit(coro, done, self._on_failed))

    def _on_printable(self, data: bytes) -> None:
        problem = self.output.print_pdf(data)
        if problem:
            self._report(problem, "warning")
        else:
            self._report(_("The document is on its way to the printer."), "success")

    def _on_saveable(self, path: Path, data: bytes) -> None:
        try:
            self.output.save(path, data, open_it=True)
        except FamdeskError as exc:
            present_error(self._owner, exc)
            return
        self._report(_("Saved in {path}.").format(path=path), "success")

    def _on_failed(self, exc: BaseException) -> None:
        present_error(self._owner, exc)
