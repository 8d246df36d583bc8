"""The "Suivi des réservations" tab: every request of the family, filtered by the service.

The filters (`TrackingFilterBar`) go to the gateway, which answers with the lines that match;
the table only sorts them. "Print" asks where to save first (from the slot, never inside a
coroutine), then asks the gateway for the PDF, writes it and opens it; on a kiosk it sends
the PDF straight to the printer: no file dialog, no viewer, no file left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QSortFilterProxyModel, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import FamdeskError
from famdesk.i18n import _, ngettext
from famdesk.services.booking_info import BookingFamily
from famdesk.services.tracking import TrackingView
from famdesk.ui.errors import present_error
from famdesk.ui.gateway import Gateway
from famdesk.ui.models.roles import TrackingRole
from famdesk.ui.models.tracking_model import (
    MADE_BY_COLUMN,
    REMARK_COLUMN,
    REQUEST_COLUMN,
    TrackingTableModel,
)
from famdesk.ui.pdf_output import print_pdf_directly
from famdesk.ui.runner import Job, Runner
from famdesk.ui.tracking_filters import TrackingFilterBar

log = logging.getLogger(__name__)

PathChooser = Callable[[QWidget, str], str | None]
"""(parent, suggested path) -> the path chosen, or None when the user cancelled."""
FileOpener = Callable[[Path], object]
PdfPrinter = Callable[[bytes], str | None]
"""Prints a PDF at once; the French reason when it cannot."""
ELASTIC_COLUMNS = (REQUEST_COLUMN, MADE_BY_COLUMN)
MAX_REMARK_WIDTH = 240


def choose_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """The save dialog (a slot may open it; a coroutine never does)."""
    path, _selected = QFileDialog.getSaveFileName(
        parent, _("Save the booking requests"), suggested, _("PDF documents (*.pdf)")
    )
    return path or None


def open_with_desktop(path: Path) -> object:
    """The PDF in the computer's own viewer."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class TrackingPanel(QWidget):
    """The requests of the logged-in family (staff: `family_id`, once they act for one).

    `choose_path` and `open_file` are the save dialog and the viewer; tests replace them.
    """

    lines_loaded = Signal(int)
    pdf_saved = Signal(str)

    def __init__(self, gateway: Gateway, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackingPanel")
        self._gateway = gateway
        self._runner = runner
        self._structure_id: int | None = None
        self.family_id: int | None = None
        self._stale = False
        self._request = 0
        self._jobs: list[Job] = []
        self.choose_path: PathChooser = choose_pdf_path
        self.open_file: FileOpener = open_with_desktop
        self.print_pdf: PdfPrinter = print_pdf_directly
        self._kiosk = bool(getattr(gateway, "kiosk", False))

        self.filters = TrackingFilterBar()
        self.print_button = QPushButton(_("Print"))
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip(
            _("Print these lines on this kiosk's printer") if self._kiosk
            else _("Save these lines as a PDF and open it"))

        self.model = TrackingTableModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(TrackingRole.SORT_KEY)
        self.proxy.setSortLocaleAware(True)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setObjectName("trackingTable")
        self.table.setAccessibleName(_("Booking requests"))
        self.table.setModel(self.proxy)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # the long texts share what the others leave; cut, they are whole in the tooltip
        for column in ELASTIC_COLUMNS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        # the service's order (newest request first) until a header is clicked
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        self.count_label = QLabel()
        self.count_label.setObjectName("trackingCount")
        self.count_label.setProperty("role", "hint")
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.notice_label = QLabel()
        self.notice_label.setObjectName("trackingNotice")
        self.notice_label.setProperty("role", "hint")
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()

        top = QHBoxLayout()
        top.addWidget(self.filters, 1)
        top.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.count_label)
        layout.addWidget(self.stack, 1)

        self.clear()
        self.filters.filter_changed.connect(self._on_filters_filter_changed)
        self.print_button.clicked.connect(self._on_print_button_clicked)

    # -- state ------------------------------------------------------------------

    def set_structure(self, structure_id: int | None) -> None:
        """Another structure: its children and activities differ, the filters start again."""
        self.clear()
        self._structure_id = structure_id
        self._stale = structure_id is not None

    def set_family(self, family: BookingFamily) -> None:
        """Staff: the requests of the family they act for, asked when the tab is shown
        (another family starts the filters again)."""
        if (self.family_id, self._structure_id) != (family.family_id, family.structure_id):
            self.clear()
        self.family_id = family.family_id
        self._structure_id = family.structure_id
        self._stale = True

    def mark_stale(self) -> None:
        """The lines may have changed: they are asked again when the tab is next shown."""
        self._stale = self._structure_id is not None

    def ensure_loaded(self) -> None:
        if self._stale:
            self.reload()

    def clear(self) -> None:
        """Forget the family: no line, no child's name, filters back to "all"."""
        self._request += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self._structure_id = None
        self.family_id = None
        self._stale = False
        self.model.set_rows(())
        self.filters.clear()
        self.show_error("")
        self.show_notice("")
        self.count_label.clear()
        self.empty_label.setText(self._empty_text())
        self.stack.setCurrentWidget(self.empty_label)
        self.print_button.setEnabled(False)

    def shows_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty_label

    def _empty_text(self) -> str:
        if self.filters.is_default():
            return _("No booking request yet. The requests you confirm will be listed here.")
        return _("No request matches these filters.")

    # -- errors (used by present_error) ------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_notice(self, message: str) -> None:
        self.notice_label.setText(message)
        self.notice_label.setVisible(bool(message))

    def show_field_error(self, field: str, message: str) -> None:
        if field in ("first", "last"):
            self.filters.show_period_error(message)
        else:
            self.show_error(message)

    # -- loading ----------------------------------------------------------------

    def reload(self) -> None:
        """Ask the gateway for the lines matching the filters."""
        if self._structure_id is None:
            return
        self._stale = False
        self._request += 1
        request = self._request
        self.count_label.setText(_("Loading…"))
        job = self._runner.submit(
            self._gateway.tracking(
                self._structure_id, self.filters.current_filter(), self.family_id
            ),
            lambda view: self._on_tracking_loaded(request, view),
            lambda exc: self._on_tracking_failed(request, exc),
        )
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(job)

    def _on_tracking_loaded(self, request: int, view: TrackingView) -> None:
        if request != self._request:
            return  # an older answer, or the panel was cleared meanwhile
        self.show_error("")
        self.filters.show_period_error("")
        self.filters.set_choices(view.children, view.activities)
        days = [line.day for line in view.lines]
        if self.filters.current_filter().first is None:
            self.filters.set_span(min(days, default=None), max(days, default=None))
        self.model.set_rows(view.lines)
        self._fit_columns()
        count = len(view.lines)
        text = ngettext("{count} request", "{count} requests", count).format(count=count)
        if view.truncated:
            text += " — " + _("only the most recent are shown: narrow the filters.")
        self.count_label.setText(text if count else "")
        self.empty_label.setText(self._empty_text())
        self.stack.setCurrentWidget(self.table if count else self.empty_label)
        self.print_button.setEnabled(bool(count))
        self.lines_loaded.emit(count)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            if column not in ELASTIC_COLUMNS:
                self.table.resizeColumnToContents(column)
        width = min(header.sectionSize(REMARK_COLUMN), MAX_REMARK_WIDTH)
        header.resizeSection(REMARK_COLUMN, max(width, header.sectionSizeHint(REMARK_COLUMN)))

    def _on_tracking_failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.count_label.clear()
        present_error(self, exc, retry=self.reload)

    # -- slots ------------------------------------------------------------------

    def _on_filters_filter_changed(self) -> None:
        self.reload()

    def _on_print_button_clicked(self) -> None:
        if self._structure_id is None:
            return
        self.show_notice("")
        if self._kiosk:
            self._print_on_kiosk()
            return
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        name = _("booking-requests-{date}.pdf").format(
            date=QDate.currentDate().toString("yyyy-MM-dd")
        )
        chosen = self.choose_path(self, str(Path(folder) / name))
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self.print_button.setEnabled(False)
        job = self._runner.submit(
            self._gateway.tracking_pdf(
                self._structure_id,
                self.filters.current_filter(),
                self.family_id,
                filters_text=self.filters.filters_text(),
            ),
            lambda data: self._on_pdf_ready(path, data),
            self._on_pdf_failed,
        )
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(job)

    def _print_on_kiosk(self) -> None:
        self.print_button.setEnabled(False)
        job = self._runner.submit(
            self._gateway.tracking_pdf(
                self._structure_id,  # type: ignore[arg-type]
                self.filters.current_filter(),
                self.family_id,
                filters_text=self.filters.filters_text(),
            ),
            self._on_pdf_printable,
            self._on_pdf_failed,
        )
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(job)

    def _on_pdf_printable(self, data: bytes) -> None:
        self.print_button.setEnabled(self.model.rowCount() > 0)
        problem = self.print_pdf(data)
        if problem:
            present_error(self, FamdeskError(problem))
        else:
            self.show_notice(_("The document is on its way to the printer."))

    def _on_pdf_ready(self, path: Path, data: bytes) -> None:
        self.print_button.setEnabled(self.model.rowCount() > 0)
        try:
            path.write_bytes(data)
        except OSError as exc:
            log.warning("PDF not written to %s: %s", path, exc)
            message = _("The file {path} could not be written ({reason}).")
            present_error(self, FamdeskError(message.format(path=path, reason=exc.strerror)))
            return
        log.info("tracking PDF written to %s", path)
        self.pdf_saved.emit(str(path))
        self.open_file(path)

    def _on_pdf_failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(self.model.rowCount() > 0)
        present_error(self, exc)
