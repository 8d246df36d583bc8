"""'Historiques' sent by e-mail: what a kiosk offers instead of exporting a file (a shared PC
keeps no file of the family's). The period's consumptions and payments go to the family's
address through the outbox, as the message's text (plain and HTML) and as the two PDFs the
desk would print ("Historique des consommations", "Historique des règlements"); the message
is sent at once when the structure has a mail server, else it waits in the outbox.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.services import outbox
from famdesk.services.access import family_in_structure, on_behalf
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.formatting import money, short_day
from famdesk.services.histories import HistoryView, history
from famdesk.services.online_checkout import family_email
from famdesk.services.outbox import Attachment, MailerFactory
from famdesk.services.recovery import mask_email
from famdesk.services.reports.history_pdf import (
    consumption_history_pdf,
    history_file_name,
    payment_history_pdf,
)
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

PDF = "application/pdf"


def mail_history(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    family_id: int | None = None,
    *,
    year: int,
    month: int | None,
    mailers: MailerFactory | None = None,
    terminal: str = "",
) -> str:
    """E-mail the family its history of `year`/`month` (a whole year when `month` is None);
    returns the address it went to, masked ("m•••n@example.org"). Commits."""
    family = family_in_structure(uow, session, structure_id, family_id)
    address = family_email(uow, family)
    if address is None:
        raise ValidationError(_("No e-mail address is known for your family: add one in the "
                                "Profile tab, or ask at the front desk."))
    view = history(uow, clock, session, structure_id, family.id, year=year, month=month)
    subject = _("Your history: {period} – {structure}").format(
        period=view.period_text, structure=view.structure_name)
    outbox.queue(uow, clock, structure_id=view.structure_id, recipient=address, subject=subject,
                 body_text=history_text(view), body_html=history_html(view),
                 family_id=family.id, urgent=True, attachments=history_files(view, clock.now()))
    audit(uow, clock.now(), "history_mailed", actor_account_id=session.account_id,
          terminal=terminal, family_id=on_behalf(session, family.id), period=view.period_text)
    uow.commit()
    log.info("history of family %s (%s) queued by e-mail", family.id, view.period_text)
    if mailers is not None:
        outbox.send_pending(uow.db, clock, mailers, structure_id=view.structure_id,
                            urgent_only=True)
    return mask_email(address)


def history_files(view: HistoryView, printed_at: datetime) -> tuple[Attachment, Attachment]:
    """The two PDFs of the period, named as the desk saves them."""
    period = view.period_name
    return (
        Attachment(history_file_name(period, consumptions=True), PDF,
                   consumption_history_pdf(view, printed_at)),
        Attachment(history_file_name(period, consumptions=False), PDF,
                   payment_history_pdf(view, printed_at)),
    )


def history_text(view: HistoryView) -> str:
    lines = [_("Hello,"), "",
             _("Here is your history for {period} ({family}, {structure}).").format(
                 period=view.period_text, family=view.family_name, structure=view.structure_name),
             ""]
    for month in view.months:
        lines += [month.title.capitalize(), "=" * len(month.title), "", _("Consumptions")]
        lines += [f"  {short_day(c.day)}  {c.child_name}  {c.activity_label}  {c.kind_text}  "
                  f"{money(c.cost)}" for c in month.consumptions] or [_("  none")]
        lines += [_("  Total: {amount}").format(amount=money(month.consumed)), "", _("Payments")]
        lines += [f"  {short_day(p.day)}  {_payment_text(p)}  {money(p.credit)}"
                  for p in month.payments] or [_("  none")]
        lines += [_("  Total: {amount}").format(amount=money(month.paid)), ""]
    lines += [_("The same history is attached as two PDF files."),
              _("This message was sent at your request from the family portal.")]
    return "\n".join(lines) + "\n"


def history_html(view: HistoryView) -> str:
    e = html.escape
    parts = [f"<p>{e(_('Hello,'))}</p>",
             "<p>" + e(_("Here is your history for {period} ({family}, {structure}).").format(
                 period=view.period_text, family=view.family_name,
                 structure=view.structure_name)) + "</p>"]
    for month in view.months:
        parts.append(f"<h2>{e(month.title.capitalize())}</h2>")
        rows = [(short_day(c.day), f"{c.child_name} – {c.activity_label}", c.kind_text,
                 money(c.cost)) for c in month.consumptions]
        parts.append(_table(_("Consumptions"), rows, money(month.consumed)))
        rows = [(short_day(p.day), _payment_text(p), p.wallets_text, money(p.credit))
                for p in month.payments]
        parts.append(_table(_("Payments"), rows, money(month.paid)))
    parts.append(f"<p><small>{e(_('This message was sent at your request from the family portal.'))}"
                 "</small></p>")
    return "<html><body>" + "".join(parts) + "</body></html>"


def _payment_text(line) -> str:  # type: ignore[no-untyped-def]
    text = line.description
    if line.receipt:
        text = _("{what}, receipt {receipt}").format(what=text, receipt=line.receipt)
    return f"{text} : {line.reason}" if line.reason else text


def _table(title: str, rows: list[tuple[str, str, str, str]], total: str) -> str:
    e = html.escape
    body = "".join(
        "<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row[:3])
        + f"<td style='text-align:right'>{e(row[3])}</td></tr>" for row in rows)
    if not rows:
        body = f"<tr><td colspan='4'>{e(_('None'))}</td></tr>"
    return (f"<h3>{e(title)}</h3><table border='1' cellpadding='4' cellspacing='0'>{body}"
            f"<tr><th colspan='3' style='text-align:left'>{e(_('Total'))}</th>"
            f"<th style='text-align:right'>{e(total)}</th></tr></table>")
