import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from famdesk.secrets import MemorySecretStore
from famdesk.services import selfcheck
from famdesk.services.formatting import money
from famdesk.services.reports.pdf import paragraph, pdf_bytes, styles
from famdesk.services.selfcheck import run_self_check


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, "the font must be embedded"
            names.add(str(font["/BaseFont"]))
    return names


def test_pdf_embeds_dejavu_and_keeps_the_narrow_space():
    style = styles()
    data = pdf_bytes(
        title="Relevé",
        structure_name="Mairie de Démoville",
        printed_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        story=[paragraph(f"Total : {money(Decimal('1234.50'))}", style.body)],
    )
    reader = PdfReader(BytesIO(data))
    text = reader.pages[0].extract_text()
    assert "1\u202f234,50\xa0€" in text or "1 234,50 €" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Mairie de Démoville" in text
    assert all("DejaVuSans" in name for name in _fonts(reader))


def test_self_check_passes_here():
    results = run_self_check(MemorySecretStore())
    assert [r for r in results if not r.passed] == []
    assert [r for r in results if not r.ok and not r.optional] == []
    assert any(r.detail == "memory" for r in results)


def test_the_kiosk_parts_are_optional_and_say_how_to_get_them(monkeypatch):
    monkeypatch.setattr(selfcheck, "_module_found", lambda name: False)
    results = run_self_check(MemorySecretStore())
    missing = [r for r in results if not r.ok]
    assert [r.mark for r in missing] == ["WARN", "WARN"]
    assert all('pip install "famdesk[web]"' in r.detail for r in missing)
    assert all(r.passed for r in results)


def test_self_check_command_exits_zero_and_says_each_check():
    done = subprocess.run(
        [sys.executable, "-m", "famdesk", "self-check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 6 and all(line.startswith("OK") for line in lines[:3])
    # the keyring (none on a build server) and the kiosk's parts only warn
    assert all(line.startswith(("OK", "WARN")) for line in lines[3:])
