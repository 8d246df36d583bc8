"""Importing families, their children and their registrations from a spreadsheet (CSV) export.

Managers only (`SessionInfo.require_admin`: a family or front-desk account is refused; the
command line runs as famdesk itself). Two steps:

- `check_family_import` (the dry run) reads the file and the database and writes nothing:
  it reports every rejected line — its number in the file (the header is line 1) and why,
  in French — and what the accepted lines would create;
- `import_families` checks the same again inside one write transaction (the unit of work's
  write lock) and, only when NO line is rejected, creates everything, audits it and
  commits. A single rejected line refuses the whole file (`ImportRejectedError`, which
  carries the report): nothing is ever half-imported. Correct the file and import it again.

The file (see `family_import_parse`): encoding UTF-8, with or without BOM, else Windows-1252
/ Latin-1; values separated by commas or semicolons (found from the header); one line per
child; the family's columns repeated on each of its children's lines (a blank one takes the
value of the family's first line, any other must agree). Headers are matched without regard
to case, accents, spaces or dashes ("Enfant naissance" is ``enfant_naissance``); unknown
columns are ignored and listed in the report.

=================  ========  ===============================================================
column             required  content
=================  ========  ===============================================================
dossier                      the family's reference in the spreadsheet: lines with the same
                             one are one family (without it, one family per holder's names
                             and e-mail)
civilite           yes       M., Mme or Mx (also Monsieur, Madame)
nom                yes       the holder's last name
prenom             yes       the holder's first name
email                        the family's e-mail address
telephone                    the family's phone number
adresse                      the family's postal address
quotient                     quotient familial, a whole number from 0 to 100000
quotient_du                  first day of the quotient (JJ/MM/AAAA; default: the start of
                             the structure's current activities)
quotient_au                  last day of the quotient (JJ/MM/AAAA; default: open-ended)
enfant_nom                   the child's last name (default: ``nom``)
enfant_prenom      yes       the child's first name
enfant_naissance   yes       the child's birth date, JJ/MM/AAAA (or AAAA-MM-JJ)
ecole                        the child's school
classe                       the child's class
activites                    labels of the structure's activities, separated by "|"
                             ("APS MATIN|RESTAURATION"), without regard to case or accents;
                             the child is registered to each for the activity's whole period
=================  ========  ===============================================================

A line is rejected for: an empty required value, a bad date, a birth date in the future, a
bad e-mail or civility, a quotient that is not a whole number or out of range, an unknown
(or finished) activity, a child twice in the file, family values that disagree between its
lines, a family (same names and e-mail, or no e-mail on either side) or a child (same names
and birth date) already in the structure. A file missing a required column, empty, with only
its header, too big or not text is refused as a whole (`ValidationError`). The families are
created without an account: the front desk gives each its login later.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from famdesk.clock import Clock, local_today
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import Activity, Child, Family, QuotientFamilial, Registration, Structure
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.family_import_parse import (
    ImportRow,
    ParsedFile,
    RejectedRow,
    lower_first,
    parse_families_file,
    quoted,
)
from famdesk.services.folding import fold
from famdesk.services.formatting import numeric_date
from famdesk.services.setup._fields import get_or_fail, period
from famdesk.services.uow import UnitOfWork

__all__ = [
    "FamilyImportReport",
    "ImportRejectedError",
    "RejectedRow",
    "check_family_import",
    "import_families",
    "structure_by_name",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FamilyImportReport:
    rows: int
    """The file's lines of data (not counting the header and blank lines)."""
    families: int
    children: int
    registrations: int
    quotients: int
    """What the accepted lines create (or created, when `imported`)."""
    rejected: tuple[RejectedRow, ...]
    """By line number."""
    encoding: str
    delimiter: str
    ignored_columns: tuple[str, ...] = ()
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary_lines(self) -> list[str]:
        """What the file held and what became (or would become) of it, in French."""
        lines = [ngettext(
            "{count} line of data read ({encoding}, {delimiter} separated).",
            "{count} lines of data read ({encoding}, {delimiter} separated).", self.rows,
        ).format(count=self.rows, encoding=self.encoding, delimiter=self.delimiter)]
        if self.ignored_columns:
            lines.append(_("Columns ignored: {columns}.").format(
                columns=quoted(self.ignored_columns)))
        counts = ", ".join((
            ngettext("{count} family", "{count} families", self.families)
            .format(count=self.families),
            ngettext("{count} child", "{count} children", self.children)
            .format(count=self.children),
            ngettext("{count} registration", "{count} registrations", self.registrations)
            .format(count=self.registrations),
            ngettext("{count} quotient familial", "{count} quotients familiaux", self.quotients)
            .format(count=self.quotients),
        ))
        if self.rejected:
            count = len(self.rejected)
            lines.append(ngettext(
                "{count} line rejected: nothing is imported until it is corrected.",
                "{count} lines rejected: nothing is imported until they are corrected.", count,
            ).format(count=count))
            if self.children:
                lines.append(_("The accepted lines hold {counts}.").format(counts=counts))
        elif self.imported:
            lines.append(_("Imported: {counts}.").format(counts=counts))
        else:
            lines.append(_("No line rejected. The import would create {counts}.")
                         .format(counts=counts))
        return lines


class ImportRejectedError(ValidationError):
    """Lines were rejected: nothing was imported. `report` lists them."""

    def __init__(self, report: FamilyImportReport) -> None:
        count = len(report.rejected)
        super().__init__(ngettext("{count} line rejected: nothing was imported.",
                                  "{count} lines rejected: nothing was imported.", count)
                         .format(count=count))
        self.report = report


def structure_by_name(uow: UnitOfWork, name: str) -> int:
    """The id of the structure called `name` (case and accents aside), else a French
    message naming the known ones."""
    structures = uow.session.execute(select(Structure.id, Structure.name)
                                     .order_by(Structure.name)).all()
    for structure_id, known in structures:
        if fold(known) == fold(name or ""):
            return structure_id
    raise NotFoundError(_("No structure is named “{name}”. Known structures: {names}.").format(
        name=name, names=quoted([row.name for row in structures]) or "-"))


def check_family_import(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int, data: bytes
) -> FamilyImportReport:
    """The dry run: every rejected line and what the others would create; writes nothing."""
    session.require_admin()
    session.require_structure(structure_id)
    plan = _plan(uow, clock, get_or_fail(uow, Structure, structure_id), data)
    log.info("families file checked for structure %s: %d lines, %d rejected", structure_id,
             len(plan.parsed.rows), len(plan.rejected))
    return plan.report()


def import_families(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    data: bytes,
    *,
    terminal: str = "",
    source: str = "",
) -> FamilyImportReport:
    """Check the file again and, when no line is rejected, create its families, children,
    quotients and registrations in this unit of work's one transaction, audited, and commit.
    Give it a write unit of work. `source` (the file's name) goes to the audit trail."""
    session.require_admin()
    session.require_structure(structure_id)
    # the structure's row first: on PostgreSQL two imports into it wait for each other
    structure = uow.session.scalars(
        select(Structure).where(Structure.id == structure_id).with_for_update()
    ).one_or_none() or get_or_fail(uow, Structure, structure_id)
    plan = _plan(uow, clock, structure, data)
    if plan.rejected:
        raise ImportRejectedError(plan.report())
    now = clock.now()
    created = _create(uow, plan)
    for family, rows in created:
        audit(uow, now, "family_imported", actor_account_id=session.account_id,
              family_id=family.id, terminal=terminal, line=rows[0].line, children=len(rows),
              source=source)
    report = plan.report(imported=True)
    audit(uow, now, "families_imported", actor_account_id=session.account_id,
          terminal=terminal, structure_id=structure_id, source=source,
          sha256=hashlib.sha256(data).hexdigest(), families=report.families,
          children=report.children, registrations=report.registrations,
          quotients=report.quotients)
    uow.commit()
    log.info("families imported into structure %s by account %s: %d families, %d children, "
             "%d registrations", structure_id, session.account_id, report.families,
             report.children, report.registrations)
    return report


def _create(uow: UnitOfWork, plan: _Plan) -> list[tuple[Family, list[ImportRow]]]:
    """The plan's rows, in two flushes (the families and children, then the registrations).

    Every value was checked by the set-up services' own rules (`family_fields`,
    `child_fields`, the quotient's range and period); the families and children are new, so
    `new_quotient`'s and `new_registration`'s overlap checks cannot fail: a child is
    registered to each activity exactly for the activity's period, once.
    """
    created: list[tuple[Family, list[ImportRow]]] = []
    children: list[tuple[Child, list[Activity]]] = []
    for rows in plan.families.values():
        first = rows[0]
        assert first.family is not None  # an accepted line has valid fields
        family = Family(structure_id=plan.structure_id, account_id=None, **first.family)
        uow.session.add(family)
        if first.quotient is not None:
            uow.session.add(QuotientFamilial(
                family=family, value=first.quotient,
                valid_from=first.quotient_from or plan.period_start,
                valid_until=first.quotient_until))
        for row in rows:
            assert row.child is not None
            child = Child(family=family, **row.child)
            uow.session.add(child)
            children.append((child, plan.activities[row.line]))
        created.append((family, rows))
    uow.session.flush()
    uow.session.add_all(
        Registration(child_id=child.id, activity_id=activity.id,
                     starts_on=activity.period_start, ends_on=activity.period_end)
        for child, activities in children for activity in activities)
    uow.session.flush()
    return created


# -- the plan: the file against the database ------------------------------------------


@dataclass
class _Plan:
    parsed: ParsedFile
    structure_id: int
    period_start: date
    """The default first day of a quotient: the start of the current activities."""
    families: dict[str, list[ImportRow]] = field(default_factory=dict)
    activities: dict[int, list[Activity]] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)

    def report(self, *, imported: bool = False) -> FamilyImportReport:
        rows = [row for family in self.families.values() for row in family]
        return FamilyImportReport(
            rows=len(self.parsed.rows),
            families=len(self.families),
            children=len(rows),
            registrations=sum(len(self.activities[row.line]) for row in rows),
            quotients=sum(1 for family in self.families.values()
                          if family[0].quotient is not None),
            rejected=tuple(sorted(self.rejected, key=lambda r: r.line)),
            encoding=self.parsed.encoding,
            delimiter=self.parsed.delimiter,
            ignored_columns=self.parsed.ignored_columns,
            imported=imported,
        )


def _plan(uow: UnitOfWork, clock: Clock, structure: Structure, data: bytes) -> _Plan:
    today = local_today(clock, ZoneInfo(structure.timezone))
    parsed = parse_families_file(data, today)
    activities = _activities(uow, structure.id)
    start = min((a.period_start for group in activities.values() for a in group
                 if a.period_end >= today), default=today)
    plan = _Plan(parsed, structure.id, start)
    known_families = _families(uow, structure.id)
    known_children = _children(uow, structure.id)
    for row in parsed.rows:
        reasons = list(row.reasons)
        chosen = [_activity(activities, label, today, reasons) for label in row.activities]
        if row.quotient is not None and row.quotient_from is None:
            try:
                period(start, row.quotient_until, "quotient_au")
            except ValidationError as exc:
                reasons.append(_("{column}: {message}").format(
                    column="quotient_au", message=lower_first(exc.message)))
        family = row.family
        if family is not None and _family_exists(known_families, family):
            reasons.append(_("the family {name} already exists in this structure").format(
                name=f"{family['civility']} {str(family['last_name']).upper()} "
                     f"{family['first_name']}"))
        child = row.child
        if child is not None:
            birth_date = child["birth_date"]
            assert isinstance(birth_date, date)
            if (fold(f"{child['last_name']} {child['first_name']}"), birth_date) in known_children:
                reasons.append(
                    _("the child {name} born on {day} already exists in this structure").format(
                        name=f"{str(child['last_name']).upper()} {child['first_name']}",
                        day=numeric_date(birth_date)))
        if reasons:
            plan.rejected.append(RejectedRow(row.line, tuple(dict.fromkeys(reasons))))
            continue
        plan.families.setdefault(row.family_key, []).append(row)
        plan.activities[row.line] = list({a.id: a for a in chosen if a is not None}.values())
    return plan


def _family_exists(known: dict[str, list[str | None]], family: dict[str, str | None]) -> bool:
    """A family of the same names with the same e-mail, or no e-mail on either side."""
    email = (family["email"] or "").lower()
    return any(not other or not email or other.lower() == email
               for other in known.get(fold(f"{family['last_name']} {family['first_name']}"), ()))


def _activities(uow: UnitOfWork, structure_id: int) -> dict[str, list[Activity]]:
    """The structure's activities by folded label: the current or next ones first (the
    earliest start), then the finished ones (the latest end first)."""
    found: dict[str, list[Activity]] = defaultdict(list)
    for activity in uow.session.scalars(
        select(Activity).where(Activity.structure_id == structure_id)
        .order_by(Activity.display_order, Activity.id)
    ):
        found[fold(activity.label)].append(activity)
    return found


def _activity(
    activities: dict[str, list[Activity]], label: str, today: date, reasons: list[str]
) -> Activity | None:
    candidates = activities.get(fold(label), [])
    current = sorted((a for a in candidates if a.period_end >= today),
                     key=lambda a: a.period_start)
    if current:
        return current[0]
    if candidates:
        ended = max(a.period_end for a in candidates)
        reasons.append(_("the activity “{label}” ended on {day}").format(
            label=label, day=numeric_date(ended)))
        return None
    labels = list(dict.fromkeys(found[0].label for found in activities.values()))
    reasons.append(_("unknown activity “{label}” (activities: {labels})").format(
        label=label, labels=", ".join(labels) or "-"))
    return None


def _families(uow: UnitOfWork, structure_id: int) -> dict[str, list[str | None]]:
    """Folded holder names -> the e-mails of the structure's families of that name."""
    found: dict[str, list[str | None]] = defaultdict(list)
    for last_name, first_name, email in uow.session.execute(
        select(Family.last_name, Family.first_name, Family.email)
        .where(Family.structure_id == structure_id)
    ):
        found[fold(f"{last_name} {first_name}")].append(email)
    return found


def _children(uow: UnitOfWork, structure_id: int) -> set[tuple[str, date]]:
    return {
        (fold(f"{last_name} {first_name}"), birth_date)
        for last_name, first_name, birth_date in uow.session.execute(
            select(Child.last_name, Child.first_name, Child.birth_date)
            .join(Family, Family.id == Child.family_id)
            .where(Family.structure_id == structure_id)
        )
    }
