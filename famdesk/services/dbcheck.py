"""`famdesk db check`: the database's consistency, one French line per problem.

Each check is a small function registered with `@check`; it reads through the unit of work
and yields one line per problem found. Later work adds its own checks the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeAlias
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.orm import aliased

from famdesk.i18n import _
from famdesk.models import (
    Activity,
    ActivityDay,
    Child,
    Family,
    LedgerEntry,
    Movement,
    Payment,
    ReceiptCounter,
    Registration,
    Reservation,
    Structure,
    Wallet,
)
from famdesk.models.enums import ACTIVE_STATUSES, LedgerKind, PaymentStatus, ReservationStatus
from famdesk.models.values import from_cents
from famdesk.services.formatting import money, numeric_date
from famdesk.services.nightly.debit import expected_cents, linked_sum
from famdesk.services.uow import UnitOfWork

Check: TypeAlias = Callable[[UnitOfWork], Iterable[str]]

CHECKS: list[Check] = []


def check(function: Check) -> Check:
    """Register `function` as one of `famdesk db check`'s checks."""
    CHECKS.append(function)
    return function


def check_database(uow: UnitOfWork) -> list[str]:
    """Every problem found by every registered check, in registration order."""
    return [line for function in CHECKS for line in function(uow)]


@check
def foreign_keys_resolve(uow: UnitOfWork) -> Iterable[str]:
    """Every reference points at an existing row (PostgreSQL enforces it by itself)."""
    if uow.session.get_bind().dialect.name != "sqlite":
        return
    # The pragma works on the connection's cached schema, which may predate a migration run
    # on another connection; reading sqlite_master first makes SQLite reload it.
    uow.session.execute(text("SELECT count(*) FROM sqlite_master"))
    for table, rowid, parent, _fk in uow.session.execute(text("PRAGMA foreign_key_check")):
        yield _("Table {table}, row {row}: refers to a missing row of {parent}.").format(
            table=table, row=rowid, parent=parent
        )


@check
def activity_days_inside_period(uow: UnitOfWork) -> Iterable[str]:
    rows = uow.session.execute(
        select(Activity.label, Activity.period_start, Activity.period_end, ActivityDay.day)
        .join(ActivityDay, ActivityDay.activity_id == Activity.id)
        .where(or_(ActivityDay.day < Activity.period_start, ActivityDay.day > Activity.period_end))
        .order_by(Activity.label, ActivityDay.day)
    )
    for label, start, end, day in rows:
        yield _("{activity} is open on {day}, outside its period ({start} to {end}).").format(
            activity=label, day=numeric_date(day), start=numeric_date(start), end=numeric_date(end)
        )


@check
def registrations_in_family_structure(uow: UnitOfWork) -> Iterable[str]:
    rows = uow.session.execute(
        select(Child.last_name, Child.first_name, Activity.label)
        .select_from(Registration)
        .join(Child, Child.id == Registration.child_id)
        .join(Family, Family.id == Child.family_id)
        .join(Activity, Activity.id == Registration.activity_id)
        .where(Activity.structure_id != Family.structure_id)
        .order_by(Child.last_name, Child.first_name, Activity.label)
    )
    for last_name, first_name, label in rows:
        yield _("{child} is registered to {activity}, an activity of another structure than the family's.").format(
            child=f"{last_name.upper()} {first_name}", activity=label
        )


def _count_of(status: ReservationStatus):  # type: ignore[no-untyped-def]
    return (
        select(func.count(Reservation.id))
        .where(Reservation.activity_day_id == ActivityDay.id, Reservation.status == status)
        .correlate(ActivityDay)
        .scalar_subquery()
    )


@check
def counters_equal_counts(uow: UnitOfWork) -> Iterable[str]:
    """Each open day's counters equal its reservations, and stay within its capacity."""
    booked, waitlisted = _count_of(ReservationStatus.BOOKED), _count_of(ReservationStatus.WAITLISTED)
    rows = uow.session.execute(
        select(Activity.label, ActivityDay.day, ActivityDay.capacity, ActivityDay.waitlist_size,
               ActivityDay.booked_count, ActivityDay.waitlisted_count, booked, waitlisted)
        .join(Activity, Activity.id == ActivityDay.activity_id)
        .where(or_(
            ActivityDay.booked_count != booked,
            ActivityDay.waitlisted_count != waitlisted,
            and_(ActivityDay.capacity.is_not(None), ActivityDay.booked_count > ActivityDay.capacity),
            and_(ActivityDay.waitlist_size.is_not(None),
                 ActivityDay.waitlisted_count > ActivityDay.waitlist_size),
        ))
        .order_by(Activity.label, ActivityDay.day)
    )
    for label, day, capacity, size, booked_count, waitlisted_count, real_booked, real_waiting in rows:
        where = f"{label} {numeric_date(day)}"
        if booked_count != real_booked or waitlisted_count != real_waiting:
            yield _("{where}: counters say {booked} booked and {waiting} waiting, the reservations {real_booked} and {real_waiting}.").format(
                where=where, booked=booked_count, waiting=waitlisted_count,
                real_booked=real_booked, real_waiting=real_waiting)
        if capacity is not None and booked_count > capacity:
            yield _("{where}: {booked} booked for {capacity} places.").format(
                where=where, booked=booked_count, capacity=capacity)
        if size is not None and waitlisted_count > size:
            yield _("{where}: {waiting} waiting for a list of {size}.").format(
                where=where, waiting=waitlisted_count, size=size)


@check
def one_active_reservation_per_day(uow: UnitOfWork) -> Iterable[str]:
    """No child holds two active reservations of one activity on one day."""
    rows = uow.session.execute(
        select(Child.last_name, Child.first_name, Activity.label, Reservation.day, func.count())
        .select_from(Reservation)
        .join(Child, Child.id == Reservation.child_id)
        .join(Activity, Activity.id == Reservation.activity_id)
        .where(Reservation.status.in_(ACTIVE_STATUSES))
        .group_by(Child.last_name, Child.first_name, Activity.label, Reservation.day)
        .having(func.count() > 1)
    )
    for last_name, first_name, label, day, count in rows:
        yield _("{child} holds {count} reservations of {activity} on {day}.").format(
            child=f"{last_name.upper()} {first_name}", count=count, activity=label, day=numeric_date(day))


@check
def reservations_match_their_day(uow: UnitOfWork) -> Iterable[str]:
    """A reservation's activity and date are those of its open day."""
    rows = uow.session.execute(
        select(Reservation.id)
        .join(ActivityDay, ActivityDay.id == Reservation.activity_day_id)
        .where(or_(Reservation.activity_id != ActivityDay.activity_id, Reservation.day != ActivityDay.day))
    )
    for (reservation_id,) in rows:
        yield _("Reservation {id} does not match its open day.").format(id=reservation_id)


# -- money ----------------------------------------------------------------------------


def _reservation_name(last_name: str, first_name: str, label: str, day: date) -> str:
    return f"{last_name.upper()} {first_name}, {label} {numeric_date(day)}"


@check
def debits_match_booked_days(uow: UnitOfWork) -> Iterable[str]:
    """Up to each structure's last transmission, a booked day was debited once, at its price
    snapshot (or corrected to it), and a day no longer booked costs nothing (refunded); no day
    after the last transmission's date was debited. Reservations changed since that
    transmission are the next one's work, and left out."""
    s = uow.session
    consumption = aliased(LedgerEntry)
    refunded = exists().where(LedgerEntry.reservation_id == Reservation.id,
                              LedgerEntry.kind == LedgerKind.REFUND)
    for structure_id, timezone, stamp in s.execute(
        select(Structure.id, Structure.timezone, Structure.last_transmission_at)
        .where(Structure.last_transmission_at.is_not(None)).order_by(Structure.id)
    ):
        through = stamp.astimezone(ZoneInfo(timezone)).date()
        changed_since = exists().where(
            Movement.reservation_id == Reservation.id,
            or_(Movement.transmitted_at.is_(None), Movement.created_at >= stamp))
        base = (
            select(Reservation.id, Reservation.status, Reservation.day, Reservation.price_cents,
                   Child.last_name, Child.first_name, Activity.label)
            .join(Activity, Activity.id == Reservation.activity_id)
            .join(Child, Child.id == Reservation.child_id)
            .where(Activity.structure_id == structure_id)
        )
        debited = exists().where(consumption.reservation_id == Reservation.id,
                                 consumption.kind == LedgerKind.CONSUMPTION)
        for row in s.execute(base.where(Reservation.status == ReservationStatus.BOOKED,
                                        Reservation.day <= through, ~debited, ~changed_since)
                             .order_by(Reservation.day, Reservation.id)):
            yield _("{reservation}: booked, but not debited by the transmission of {date}.").format(
                reservation=_reservation_name(row.last_name, row.first_name, row.label, row.day),
                date=numeric_date(through))
        for row in s.execute(base.where(Reservation.day > through, debited)
                             .order_by(Reservation.day, Reservation.id)):
            yield _("{reservation}: debited before its day (last transmission: {date}).").format(
                reservation=_reservation_name(row.last_name, row.first_name, row.label, row.day),
                date=numeric_date(through))
        net = linked_sum()
        for row in s.execute(base.add_columns(net.label("net"))
                             .where(debited, ~refunded, ~changed_since, net != expected_cents())
                             .order_by(Reservation.day, Reservation.id)):
            expected = -row.price_cents if row.status is ReservationStatus.BOOKED else 0
            yield _("{reservation}: its ledger entries add up to {held}, they should add up to {expected}.").format(
                reservation=_reservation_name(row.last_name, row.first_name, row.label, row.day),
                held=money(from_cents(row.net)), expected=money(from_cents(expected)))


@check
def one_debit_and_one_refund_per_day(uow: UnitOfWork) -> Iterable[str]:
    """No double entry: a reservation has at most one consumption and one refund, a
    consumption is a debt and a refund a credit, a refund follows a consumption."""
    s = uow.session
    per_reservation = LedgerEntry.kind.in_((LedgerKind.CONSUMPTION, LedgerKind.REFUND))
    for reservation_id, kind, count in s.execute(
        select(LedgerEntry.reservation_id, LedgerEntry.kind, func.count())
        .where(per_reservation).group_by(LedgerEntry.reservation_id, LedgerEntry.kind)
        .having(func.count() > 1)
    ):
        yield _("Reservation {id} has {count} entries of kind {kind} in the ledger.").format(
            id=reservation_id, count=count, kind=LedgerKind(kind).value)
    for entry_id, kind in s.execute(
        select(LedgerEntry.id, LedgerEntry.kind).where(per_reservation, or_(
            LedgerEntry.reservation_id.is_(None),
            and_(LedgerEntry.kind == LedgerKind.CONSUMPTION, LedgerEntry.amount_cents > 0),
            and_(LedgerEntry.kind == LedgerKind.REFUND, LedgerEntry.amount_cents < 0),
        )).order_by(LedgerEntry.id)
    ):
        yield _("Ledger entry {id} ({kind}) has the wrong sign or no reservation.").format(
            id=entry_id, kind=LedgerKind(kind).value)
    consumption = aliased(LedgerEntry)
    for (entry_id,) in s.execute(
        select(LedgerEntry.id).where(
            LedgerEntry.kind == LedgerKind.REFUND,
            ~exists().where(consumption.reservation_id == LedgerEntry.reservation_id,
                            consumption.kind == LedgerKind.CONSUMPTION))
    ):
        yield _("Ledger entry {id} refunds a day that was never debited.").format(id=entry_id)


@check
def ledger_in_family_structure(uow: UnitOfWork) -> Iterable[str]:
    """Each entry is in a wallet of its family's structure."""
    rows = uow.session.execute(
        select(LedgerEntry.id, Family.last_name, Wallet.label)
        .join(Family, Family.id == LedgerEntry.family_id)
        .join(Wallet, Wallet.id == LedgerEntry.wallet_id)
        .where(Wallet.structure_id != Family.structure_id)
        .order_by(LedgerEntry.id)
    )
    for entry_id, last_name, label in rows:
        yield _("Ledger entry {id} of the {family} family is in the wallet {wallet} of another structure.").format(
            id=entry_id, family=last_name.upper(), wallet=label)


@check
def payments_match_their_entries(uow: UnitOfWork) -> Iterable[str]:
    """A paid payment credited its amount; a cancelled one was reversed to nothing; one
    pending or failed credited nothing."""
    s = uow.session
    credited = (select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                .where(LedgerEntry.payment_id == Payment.id, LedgerEntry.kind == LedgerKind.PAYMENT)
                .correlate(Payment).scalar_subquery())
    net = (select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
           .where(LedgerEntry.payment_id == Payment.id).correlate(Payment).scalar_subquery())
    rows = s.execute(
        select(Payment.id, Payment.status, Payment.amount_cents, Payment.receipt_year,
               Payment.receipt_number, credited.label("credited"), net.label("net"))
        .where(or_(
            and_(Payment.status == PaymentStatus.PAID, or_(credited != Payment.amount_cents, net != Payment.amount_cents)),
            and_(Payment.status == PaymentStatus.CANCELLED, net != 0),
            and_(Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.FAILED)), credited != 0),
        ))
        .order_by(Payment.id)
    )
    for payment_id, status, amount, year, number, paid, left in rows:
        name = f"{year}-{number:06d}" if year and number else str(payment_id)
        yield _("Payment {payment} ({status}) of {amount}: its ledger entries credit {credited} and leave {net}.").format(
            payment=name, status=PaymentStatus(status).value, amount=money(from_cents(amount)),
            credited=money(from_cents(paid)), net=money(from_cents(left)))


@check
def receipt_numbers_without_gaps(uow: UnitOfWork) -> Iterable[str]:
    """The receipts of a structure's year are numbered 1 to its counter, each once."""
    s = uow.session
    numbers: dict[tuple[int, int], list[int]] = {}
    for structure_id, year, number in s.execute(
        select(Payment.structure_id, Payment.receipt_year, Payment.receipt_number)
        .where(Payment.receipt_number.is_not(None))
    ):
        numbers.setdefault((structure_id, year), []).append(number)
    counters = {(c.structure_id, c.year): c.last_number for c in s.scalars(select(ReceiptCounter))}
    names = dict(s.execute(select(Structure.id, Structure.name)).all())
    for key in sorted(set(numbers) | set(counters)):
        taken = sorted(numbers.get(key, []))
        last = counters.get(key, 0)
        if taken != list(range(1, last + 1)):
            missing = sorted(set(range(1, last + 1)) - set(taken))
            yield _("Receipts of {structure} for {year}: the counter is at {last}, the payments hold {count} numbers (missing: {missing}).").format(
                structure=names.get(key[0], key[0]), year=key[1], last=last, count=len(taken),
                missing=", ".join(str(n) for n in missing[:10]) or "-")
