"""`famdesk self-check`: can this installation (a frozen one included) do its job?"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from famdesk.config import DatabaseTarget
from famdesk.i18n import N_, _, load_translations
from famdesk.secrets import SecretStore
from famdesk.services.database import Database, head_revision
from famdesk.services.formatting import money
from famdesk.services.reports.pdf import FONT, paragraph, pdf_bytes, styles

SAMPLE_AMOUNT = Decimal("1234.50")
CATALOG_PROBE = "Incorrect login or password."


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    optional: bool = False
    """A part only some PCs need (a kiosk's): missing, it warns and does not fail."""

    @property
    def mark(self) -> str:
        return "OK  " if self.ok else "WARN" if self.optional else "FAIL"

    @property
    def passed(self) -> bool:
        return self.ok or self.optional


WEB_EXTRA = 'pip install "famdesk[web]"'
OPTIONAL_QT = (
    # (module, what it is for): found without importing Qt (the services never do)
    ("PySide6.QtPdf", N_("printing and PDF preview (a kiosk prints with it)")),
    ("PySide6.QtWebEngineWidgets", N_("the card payment page inside famdesk (kiosks)")),
)


def check_migrations() -> str:
    from sqlalchemy.engine import make_url

    with tempfile.TemporaryDirectory(prefix="famdesk-selfcheck-") as folder:
        url = make_url(f"sqlite:///{Path(folder) / 'check.db'}")
        db = Database(DatabaseTarget(url))
        try:
            db.upgrade()
            revision = db.current_revision()
        finally:
            db.dispose()
    if revision != head_revision():
        raise RuntimeError(f"schema at {revision}, expected {head_revision()}")
    return f"SQLite {revision}"


def check_pdf() -> str:
    text = money(SAMPLE_AMOUNT)
    style = styles()
    data = pdf_bytes(
        title="famdesk self-check",
        structure_name="famdesk",
        printed_at=datetime.now(UTC),
        story=[paragraph(text, style.title)],
    )
    if not data.startswith(b"%PDF") or b"/FontFile2" not in data or FONT.encode() not in data:
        raise RuntimeError("DejaVu Sans is not embedded in the PDF")
    return f"{len(data)} bytes, {FONT} embedded, “{text}”"


def check_catalog() -> str:
    translated = load_translations("fr").gettext(CATALOG_PROBE)
    if translated == CATALOG_PROBE:
        raise RuntimeError("the French catalog does not translate famdesk's messages")
    return translated


def run_self_check(secrets: SecretStore) -> list[CheckResult]:
    checks: list[tuple[str, Callable[[], str]]] = [
        (_("database migrations"), check_migrations),
        (_("PDF with embedded font"), check_pdf),
        (_("French catalog"), check_catalog),
    ]
    results = []
    for name, probe in checks:
        try:
            results.append(CheckResult(name, True, probe()))
        except Exception as exc:  # every failure becomes one clear line
            results.append(CheckResult(name, False, f"{type(exc).__name__}: {exc}"))
    usable = secrets.usable()
    results.append(CheckResult(
        _("keyring backend"), usable, secrets.backend_name() if usable else _(
            "none: the mail server's and the database's passwords, a kiosk's token and a "
            "remembered login cannot be kept on this computer"), optional=True))
    for module, use in OPTIONAL_QT:
        found = _module_found(module)
        results.append(CheckResult(
            _(use), found, module if found else _("missing: {command}").format(command=WEB_EXTRA),
            optional=True))
    return results


def _module_found(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
