import pytest

from famdesk.errors import ValidationError
from famdesk.models import Structure
from famdesk.models.enums import SmtpSecurity
from famdesk.secrets import MemorySecretStore
from famdesk.services.mail import smtp_settings, smtp_url_settings


@pytest.mark.parametrize(
    ("url", "host", "port", "security", "login", "password"),
    [
        ("smtp://127.0.0.1:8025", "127.0.0.1", 8025, SmtpSecurity.NONE, None, None),
        ("smtp+starttls://mairie:s%40cret@mail.example.org", "mail.example.org", 587, SmtpSecurity.STARTTLS, "mairie", "s@cret"),
        ("smtps://mail.example.org", "mail.example.org", 465, SmtpSecurity.SSL, None, None),
    ],
)
def test_smtp_urls(url, host, port, security, login, password):
    settings = smtp_url_settings(url)
    assert (settings.host, settings.port, settings.security, settings.login, settings.password) == (
        host, port, security, login, password)
    assert "cret" not in repr(settings)


@pytest.mark.parametrize("url", ["http://mail", "smtp://", "mail.example.org"])
def test_malformed_smtp_urls_are_refused(url):
    with pytest.raises(ValidationError):
        smtp_url_settings(url)


def test_structure_settings_take_the_password_from_the_keyring(monkeypatch):
    monkeypatch.delenv("FAMDESK_SMTP_URL", raising=False)
    monkeypatch.delenv("FAMDESK_SMTP_PASSWORD", raising=False)
    structure = Structure(id=3, name="Mairie", smtp_host="mail.mairie.fr", smtp_port=587,
                          smtp_security=SmtpSecurity.STARTTLS, smtp_login="portail",
                          smtp_sender="portail@mairie.fr")
    secrets = MemorySecretStore()
    assert smtp_settings(structure, secrets).password is None
    secrets.set("smtp:3", "pw")
    settings = smtp_settings(structure, secrets)
    assert (settings.host, settings.port, settings.password, settings.sender) == ("mail.mairie.fr", 587, "pw", "portail@mairie.fr")
    assert smtp_settings(Structure(id=4, name="Sans serveur"), secrets) is None


def test_the_environment_overrides_the_structure(monkeypatch):
    monkeypatch.setenv("FAMDESK_SMTP_URL", "smtp://127.0.0.1:2525")
    settings = smtp_settings(Structure(id=4, name="Sans serveur"), MemorySecretStore())
    assert (settings.host, settings.port) == ("127.0.0.1", 2525)
