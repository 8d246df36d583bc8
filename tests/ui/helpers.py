"""What a user can read on screen, and a runner that holds work until told to run it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from famdesk.ui.runner import SyncRunner


def _model_texts(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole]
    roles += [role for role in model.roleNames() if role >= Qt.ItemDataRole.UserRole]
    pending = [QModelIndex()]
    while pending:
        parent = pending.pop()
        for row in range(model.rowCount(parent)):
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
            for column in range(columns):
                index = model.index(row, column, parent)
                for role in roles:
                    value = index.data(role)
                    if value is not None:
                        yield str(value)
                pending.append(index)


def widget_texts(widget: QWidget) -> Iterator[str]:
    """Every text `widget` and its children hold: labels, fields, buttons, combos, views."""
    yield widget.windowTitle()
    for child in [widget, *widget.findChildren(QWidget)]:
        if isinstance(child, QLabel | QAbstractButton | QLineEdit):
            yield child.text()
        elif isinstance(child, QComboBox):
            yield from (child.itemText(i) for i in range(child.count()))
        elif isinstance(child, QAbstractItemView):
            yield from _model_texts(child)


def visible_texts() -> list[str]:
    texts: list[str] = []
    for window in QApplication.topLevelWidgets():
        if window.isVisible():
            texts.extend(widget_texts(window))
    return texts


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """The result of a gateway call, at once (raises its error)."""
    outcome: dict[str, Any] = {}

    def failed(exc: BaseException) -> None:
        raise exc

    SyncRunner().submit(coro, lambda value: outcome.setdefault("value", value), failed)
    return outcome.get("value")


def column_texts(view: QAbstractItemView, column: int) -> list[str]:
    """What a column of a table view shows, top to bottom (after its sorting)."""
    model = view.model()
    return [str(model.index(row, column).data() or "") for row in range(model.rowCount())]


class _HeldJob:
    def __init__(self, runner: ManualRunner, entry: tuple) -> None:
        self._runner = runner
        self._entry = entry

    def cancel(self) -> None:
        if self._entry in self._runner.queue:
            self._runner.queue.remove(self._entry)
            self._entry[0].close()

    def done(self) -> bool:
        return self._entry not in self._runner.queue


class ManualRunner:
    """Keeps submitted work until `run_next()`: shows what the UI does while a call runs."""

    def __init__(self) -> None:
        self.queue: list[tuple[Coroutine[Any, Any, Any], Callable, Callable]] = []

    def submit(self, coro, on_success, on_error):  # type: ignore[no-untyped-def]
        entry = (coro, on_success, on_error)
        self.queue.append(entry)
        return _HeldJob(self, entry)

    def run_next(self, position: int = 0) -> None:
        coro, on_success, on_error = self.queue.pop(position)
        SyncRunner().submit(coro, on_success, on_error)

    def run_all(self) -> None:
        while self.queue:
            self.run_next()

    def close(self) -> None:
        for coro, _ok, _err in self.queue:
            coro.close()
        self.queue.clear()
