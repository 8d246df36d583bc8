"""Everything the running app still holds that someone could read: every widget's texts
(titles, tooltips, accessible names and descriptions, placeholders), every item model's
data, the clipboard, and files left in a folder."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, Qt
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
              Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.AccessibleDescriptionRole,
              Qt.ItemDataRole.WhatsThisRole, Qt.ItemDataRole.StatusTipRole,
              Qt.ItemDataRole.EditRole)


def flush_deletions() -> None:
    """What was handed to deleteLater() goes now; what only garbage held too."""
    gc.collect()
    QApplication.sendPostedEvents(None, int(QEvent.Type.DeferredDelete))
    QApplication.processEvents()


def model_texts(model: QAbstractItemModel) -> list[str]:
    """Every row and column (children too) in the text roles and the model's own roles
    (a DTO's repr names the child it is about)."""
    roles = {int(role) for role in TEXT_ROLES} | set(model.roleNames())
    texts: list[str] = []
    pending = [QModelIndex()]
    while pending:
        parent = pending.pop()
        try:
            columns = max(1, model.columnCount(parent))
        except TypeError:  # a list model (Qt keeps its columnCount private)
            columns = 1
        for row in range(model.rowCount(parent)):
            for column in range(columns):
                index = model.index(row, column, parent)
                for role in roles:
                    value = index.data(role)
                    if value is not None:
                        texts.append(str(value))
                if column == 0 and model.rowCount(index) > 0:
                    pending.append(index)
    try:
        sections = model.columnCount(QModelIndex())
    except TypeError:
        sections = 1
    for section in range(sections):
        value = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if value is not None:
            texts.append(str(value))
    return texts


def held_texts() -> list[str]:
    """What every widget of the application holds, visible or not, and every item model
    found on the way (each read as soon as found: its wrapper may not outlive the walk)."""
    gc.collect()
    texts: list[str] = []
    seen: set[int] = set()

    def read(model: QAbstractItemModel | None) -> None:
        if model is None or not shiboken6.isValid(model):
            return
        key = shiboken6.getCppPointer(model)[0]
        if key not in seen:
            seen.add(key)
            texts.extend(model_texts(model))

    for widget in QApplication.allWidgets():
        texts.extend([widget.windowTitle(), widget.toolTip(), widget.accessibleName(),
                      widget.accessibleDescription(), widget.statusTip(), widget.whatsThis()])
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QTextEdit | QPlainTextEdit):
            texts.extend([widget.toPlainText(), widget.placeholderText()])
        if isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
            texts.append(widget.placeholderText())
            read(widget.model())
        if isinstance(widget, QAbstractItemView):
            read(widget.model())
        for model in widget.findChildren(QAbstractItemModel):
            read(model)
    return [text for text in texts if text]


def clipboard_texts() -> list[str]:
    clipboard = QGuiApplication.clipboard()
    modes = [QClipboard.Mode.Clipboard]
    if clipboard.supportsSelection():
        modes.append(QClipboard.Mode.Selection)
    texts = []
    for mode in modes:
        data = clipboard.mimeData(mode)
        if data is not None:
            texts.extend([data.text(), data.html()])
    return [text for text in texts if text]


def holding(texts: Iterable[str], names: Iterable[str]) -> list[str]:
    names = tuple(names)
    return [text for text in texts if any(name in text for name in names)]


def files_holding(folder: Path, names: Iterable[str]) -> list[Path]:
    """The files under `folder` whose bytes hold one of `names` (UTF-8 or UTF-16)."""
    needles = [form for name in names
               for form in (name.encode(), name.encode("utf-16-le"), name.encode("utf-16-be"))]
    return [path for path in sorted(folder.rglob("*"))
            if path.is_file() and any(needle in path.read_bytes() for needle in needles)]
