"""The French catalog (the default language) and the English one cover every message."""

import importlib.util
from pathlib import Path

from famdesk.i18n import load_translations

ROOT = Path(__file__).resolve().parents[2]


def _catalog_tool():
    spec = importlib.util.spec_from_file_location("catalog", ROOT / "scripts" / "catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_is_translated_and_none_is_fuzzy_or_stale():
    assert _catalog_tool().problems() == []


def test_french_is_loaded_from_the_catalog():
    french = load_translations("fr")
    assert french.gettext("Incorrect login or password.") == "Identifiant ou mot de passe incorrect."
    assert french.ngettext("{count} problem found.", "{count} problems found.", 2) == "{count} problèmes trouvés."
