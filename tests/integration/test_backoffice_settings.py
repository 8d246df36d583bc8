"""The structure's settings in the back office, on a real SQLite file: name, zone, kiosk idle
time, the mail server (its password in the keyring only, proven by sending through it),
online payments, news and wallets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, text

from famdesk.errors import InfrastructureError, NotFoundError, ValidationError
from famdesk.models import AuditEntry, Structure
from famdesk.models.enums import HolidayZone, SmtpSecurity
from famdesk.models.online import OnlineProviderKind
from famdesk.secrets import MemorySecretStore
from famdesk.services.backoffice import (
    NewsForm,
    NewsState,
    OnlineSettings,
    SmtpForm,
    delete_news,
    news_items,
    save_news,
    save_online_settings,
    save_smtp,
    save_structure,
    save_wallet,
    structure_settings,
    unpublish_news,
    wallet_rows,
)
from famdesk.services.home import home_page
from famdesk.services.mail import smtp_settings
from famdesk.services.outbox import queue, send_pending, smtp_mailers
from tests.integration.backoffice import manager
from tests.integration.town import build_town

TODAY = date(2026, 9, 14)
SECRET = "Mot-de-passe-SMTP-42"


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def admin(town):
    return manager(town)


def audits(town, action):
    with town.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def settings_of(town, admin):
    with town.uow() as uow:
        return structure_settings(uow, admin, town.structure_id, secrets=town.ctx.secrets)


def saved_structure(town, admin, name="Mairie de Testville", zone="B", idle=120):
    with town.uow(write=True) as uow:
        return save_structure(uow, town.clock, admin, town.structure_id, name, zone, idle,
                              secrets=town.ctx.secrets, terminal="BUREAU-1")


def saved_smtp(town, admin, form, secrets=None):
    with town.uow(write=True) as uow:
        return save_smtp(uow, town.clock, admin, town.structure_id, form,
                         secrets=secrets or town.ctx.secrets)


# -- name, zone, kiosk ----------------------------------------------------------------


def test_the_settings_are_read_and_changed_with_an_audit(town, admin):
    before = settings_of(town, admin)
    assert (before.name, before.holiday_zone, before.kiosk_idle_seconds) == (
        "Mairie de Testville", HolidayZone.B, 120)
    assert before.smtp_host is None and before.online is None and not before.smtp_password_stored

    after = saved_structure(town, admin, "  Mairie de   Testville-sur-Mer ", "C", 300)

    assert (after.name, after.holiday_zone, after.kiosk_idle_seconds) == (
        "Mairie de Testville-sur-Mer", HolidayZone.C, 300)
    assert settings_of(town, admin) == after
    [entry] = audits(town, "structure_settings_changed")
    assert entry.terminal == "BUREAU-1" and "Testville-sur-Mer" in entry.detail


@pytest.mark.parametrize(("name", "zone", "idle", "field", "message"), [
    ("", "B", 120, "name", "Ce champ est obligatoire."),
    ("Centre voisin", "B", 120, "name", "Une structure porte déjà ce nom."),
    ("Mairie", "D", 120, "holiday_zone", "La zone de vacances scolaires est A, B ou C."),
    ("Mairie", "B", 14, "kiosk_idle_seconds",
     "Le délai d'inactivité de la borne est compris entre 15 et 3600 secondes."),
    ("Mairie", "B", 3601, "kiosk_idle_seconds",
     "Le délai d'inactivité de la borne est compris entre 15 et 3600 secondes."),
])
def test_bad_settings_are_refused_and_change_nothing(town, admin, name, zone, idle, field,
                                                     message):
    before = settings_of(town, admin)
    with pytest.raises(ValidationError) as refused:
        saved_structure(town, admin, name, zone, idle)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert settings_of(town, admin) == before
    assert audits(town, "structure_settings_changed") == []


# -- the mail server ------------------------------------------------------------------


def test_the_smtp_password_goes_to_the_keyring_never_to_the_database(town, admin):
    form = SmtpForm("smtp.demoville.fr", None, "starttls", "portail", "portail@demoville.fr",
                    password=SECRET)
    assert SECRET not in repr(form)

    shown = saved_smtp(town, admin, form)

    assert (shown.smtp_host, shown.smtp_port, shown.smtp_security, shown.smtp_login,
            shown.smtp_sender, shown.smtp_password_stored) == (
        "smtp.demoville.fr", 587, SmtpSecurity.STARTTLS, "portail", "portail@demoville.fr", True)
    with town.uow() as uow:
        structure = uow.session.get_one(Structure, town.structure_id)
        assert smtp_settings(structure, town.ctx.secrets).password == SECRET
        for table in ("structure", "audit_entry"):
            rows = uow.session.execute(text(f"SELECT * FROM {table}")).all()
            assert SECRET not in repr(rows)
    [entry] = audits(town, "smtp_settings_changed")
    assert '"password_changed": true' in entry.detail

    # None keeps it, "" forgets it, no login forgets it
    saved_smtp(town, admin, replace(form, port=2525, password=None))
    assert town.ctx.secrets.get(f"smtp:{town.structure_id}") == SECRET
    assert not saved_smtp(town, admin, replace(form, password="")).smtp_password_stored
    saved_smtp(town, admin, form)
    assert not saved_smtp(town, admin, replace(form, login=None, password=None)).smtp_password_stored
    assert town.ctx.secrets.get(f"smtp:{town.structure_id}") is None


def test_an_empty_host_switches_mail_off(town, admin):
    saved_smtp(town, admin, SmtpForm("smtp.demoville.fr", 465, "ssl", "portail", password=SECRET))
    off = saved_smtp(town, admin, SmtpForm("  "))
    assert (off.smtp_host, off.smtp_port, off.smtp_login, off.smtp_password_stored) == (
        None, None, None, False)


@pytest.mark.parametrize(("form", "field", "message"), [
    (SmtpForm("smtp demoville"), "host", "« smtp demoville » n'est pas un nom de serveur."),
    (SmtpForm("smtp.demoville.fr", 70000), "port", "Un port est un nombre de 1 à 65535."),
    (SmtpForm("smtp.demoville.fr", security="tls"), "security",
     "Choisissez la sécurité de la connexion : aucune, STARTTLS ou SSL."),
    (SmtpForm("smtp.demoville.fr", sender="portail@"), "sender",
     "« portail@ » n'est pas une adresse e-mail valide."),
    (SmtpForm("smtp.demoville.fr", password=SECRET), "login",
     "Un mot de passe va avec un identifiant."),
])
def test_a_bad_mail_server_is_refused(town, admin, form, field, message):
    with pytest.raises(ValidationError) as refused:
        saved_smtp(town, admin, form)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert settings_of(town, admin).smtp_host is None
    assert town.ctx.secrets.get(f"smtp:{town.structure_id}") is None


class BrokenKeyring(MemorySecretStore):
    def set(self, name: str, value: str) -> None:
        raise RuntimeError("no keyring backend")


def test_a_keyring_that_fails_leaves_everything_as_it_was(town, admin):
    with pytest.raises(InfrastructureError) as failed:
        saved_smtp(town, admin, SmtpForm("smtp.demoville.fr", login="portail", password=SECRET),
                   secrets=BrokenKeyring())
    assert "trousseau" in failed.value.message
    assert settings_of(town, admin).smtp_host is None


def test_the_saved_mail_server_is_the_one_the_outbox_sends_through(town, admin, smtp_server,
                                                                   monkeypatch):
    monkeypatch.delenv("FAMDESK_SMTP_URL")  # the structure's own settings, not the override
    port = urlsplit(smtp_server.url).port
    saved_smtp(town, admin, SmtpForm("127.0.0.1", port, "none", sender="portail@testville.fr"))
    with town.uow(write=True) as uow:
        queue(uow, town.clock, structure_id=town.structure_id, recipient="martin@example.org",
              subject="Essai", body_text="Bonjour")
        uow.commit()

    summary = send_pending(town.ctx.db, town.clock, smtp_mailers(town.ctx.secrets))

    assert summary.sent == 1
    [message] = smtp_server.inbox.to("martin@example.org")
    assert "portail@testville.fr" in message["From"]


def test_online_payment_settings_show_with_the_others(town, admin):
    with town.uow(write=True) as uow:
        save_online_settings(uow, town.clock, admin, town.structure_id,
                             OnlineSettings(OnlineProviderKind.LOCALTEST))
    assert settings_of(town, admin).online == OnlineSettings(OnlineProviderKind.LOCALTEST)


# -- news -----------------------------------------------------------------------------


def saved_news(town, admin, form, news_id=None):
    with town.uow(write=True) as uow:
        return save_news(uow, town.clock, admin, town.structure_id, form, news_id)


def shown_on_home(town):
    with town.uow() as uow:
        return [n.title for n in home_page(uow, town.clock, town.martin, town.structure_id).news]


def test_news_are_published_between_their_dates(town, admin):
    now = saved_news(town, admin, NewsForm("Fermeture", "Le centre ferme.", TODAY - timedelta(days=3),
                                           date(2026, 10, 31)))
    later = saved_news(town, admin, NewsForm("Inscriptions", "", date(2026, 10, 1)))
    assert (now.state, now.state_text) == (NewsState.PUBLISHED, "Publié jusqu'au 31/10/2026")
    assert (later.state, later.state_text) == (NewsState.SCHEDULED, "Programmé à partir du 01/10/2026")
    assert shown_on_home(town) == ["Fermeture"]

    edited = saved_news(town, admin, NewsForm("Fermeture exceptionnelle", "Le centre ferme.",
                                              TODAY - timedelta(days=3), None), now.id)
    assert edited.state_text == "Publié"
    ended = unpublish_news_(town, admin, now.id)
    assert (ended.state, ended.published_until, ended.state_text) == (
        NewsState.ENDED, TODAY - timedelta(days=1), "Terminé le 13/09/2026")
    assert shown_on_home(town) == []

    with town.uow() as uow:
        rows = news_items(uow, town.clock, admin, town.structure_id)
    assert [row.title for row in rows] == ["Inscriptions", "Fermeture exceptionnelle"]
    with town.uow(write=True) as uow:
        delete_news(uow, town.clock, admin, town.structure_id, later.id)
    with town.uow() as uow:
        assert [row.id for row in news_items(uow, town.clock, admin, town.structure_id)] == [now.id]
    assert [len(audits(town, a)) for a in ("news_created", "news_changed", "news_unpublished",
                                           "news_deleted")] == [2, 1, 1, 1]


def unpublish_news_(town, admin, news_id):
    with town.uow(write=True) as uow:
        return unpublish_news(uow, town.clock, admin, town.structure_id, news_id)


@pytest.mark.parametrize(("form", "field", "message"), [
    (NewsForm("", "", TODAY), "title", "Ce champ est obligatoire."),
    (NewsForm("Fermeture", "", TODAY, TODAY - timedelta(days=1)), "published_until",
     "La date de fin est antérieure à la date de début."),
    (NewsForm("Fermeture", "", TODAY - timedelta(days=9), TODAY - timedelta(days=2)),
     "published_until",
     "La publication finirait le 12/09/2026, date déjà passée : le message ne serait jamais affiché."),
])
def test_bad_news_dates_are_refused(town, admin, form, field, message):
    with pytest.raises(ValidationError) as refused:
        saved_news(town, admin, form)
    assert (refused.value.field, refused.value.message) == (field, message)
    with town.uow() as uow:
        assert news_items(uow, town.clock, admin, town.structure_id) == ()


def test_a_message_not_shown_yet_cannot_be_unpublished_and_another_structures_is_unknown(town, admin):
    today = saved_news(town, admin, NewsForm("Rentrée", "", TODAY))
    with pytest.raises(ValidationError) as refused:
        unpublish_news_(town, admin, today.id)
    assert refused.value.message.startswith("Ce message n'a pas été affiché avant aujourd'hui")
    with pytest.raises(NotFoundError):
        unpublish_news_(town, admin, today.id + 1)


# -- wallets --------------------------------------------------------------------------


def test_wallets_are_created_renamed_and_listed_with_their_activities(town, admin):
    with town.uow(write=True) as uow:
        meals = save_wallet(uow, town.clock, admin, town.structure_id, " Restauration ", 0)
    with town.uow(write=True) as uow:
        [periscolaire] = [w for w in wallet_rows(uow, admin, town.structure_id)
                          if w.label == "Périscolaire"]
        renamed = save_wallet(uow, town.clock, admin, town.structure_id, "Accueils", 5,
                              periscolaire.id)
    assert renamed.activities == ("APS MATIN", "ALSH MERCREDI")
    with town.uow() as uow:
        assert [(w.label, w.display_order) for w in wallet_rows(uow, admin, town.structure_id)] == [
            ("Restauration", 0), ("Accueils", 5)]
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as taken:
        save_wallet(uow, town.clock, admin, town.structure_id, "Accueils", 1, meals.id)
    assert taken.value.message == "Ce libellé est déjà utilisé dans cette structure."
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as order:
        save_wallet(uow, town.clock, admin, town.structure_id, "Cantine", -1)
    assert order.value.field == "display_order"
    assert len(audits(town, "wallet_created")) == 1 and len(audits(town, "wallet_changed")) == 1
