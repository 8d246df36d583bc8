"""The e-mail that tells a family what became of its requests (design.md section 9).

Sections in this order — waiting list, accepted (promotions included), refused, cancelled —
each left out when empty; activities in display order, children by name, dates ascending
("lun. 05/10"). The counts cover the family's own requests, not the promotions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from famdesk.i18n import _, ngettext
from famdesk.models.enums import MovementKind, MovementOutcome
from famdesk.services.formatting import short_day

BANNER = "****************     {title}     ****************"
CHILD_INDENT = " " * 9
COUNT_INDENT = " " * 7


@dataclass(frozen=True)
class ReportLine:
    kind: MovementKind
    outcome: MovementOutcome
    activity_label: str
    activity_order: int
    child_name: str
    """"MARTIN Léa"."""
    day: date


@dataclass(frozen=True)
class Section:
    title: str
    activities: tuple[tuple[str, tuple[tuple[str, tuple[date, ...]], ...]], ...]
    """(activity, ((child, days), ...)), in display order."""


@dataclass(frozen=True)
class FamilyReport:
    holder_name: str
    structure_name: str
    requests: int
    bookings: int
    cancellations: int
    changes: int
    sections: tuple[Section, ...]

    @property
    def subject(self) -> str:
        return _("Your booking requests: report from {structure}").format(structure=self.structure_name)


REQUESTS = (MovementKind.BOOK, MovementKind.CANCEL, MovementKind.CHANGE_TIMES)
"""The family's own requests: what the counts cover (not promotions, not staff's moves)."""


_SECTION_BY_OUTCOME = {
    MovementOutcome.WAITLISTED: 0,
    MovementOutcome.ACCEPTED: 1,
    MovementOutcome.REFUSED: 2,
    MovementOutcome.CANCELLED: 3,
}


def _section_of(line: ReportLine) -> int:
    """0 waiting list, 1 accepted (promotions included), 2 refused, 3 cancelled."""
    return 1 if line.kind is MovementKind.PROMOTION else _SECTION_BY_OUTCOME[line.outcome]


def build_report(holder_name: str, structure_name: str, lines: Iterable[ReportLine]) -> FamilyReport:
    lines = list(lines)
    titles = (
        _("BOOKINGS PUT ON THE WAITING LIST"),
        _("BOOKINGS ACCEPTED"),
        _("BOOKINGS REFUSED"),
        _("BOOKINGS CANCELLED"),
    )
    grouped: list[dict[tuple[int, str], dict[str, set[date]]]] = [{} for _title in titles]
    for line in lines:
        activities = grouped[_section_of(line)]
        children = activities.setdefault((line.activity_order, line.activity_label), {})
        children.setdefault(line.child_name, set()).add(line.day)
    sections = tuple(
        Section(
            title,
            tuple(
                (label, tuple((child, tuple(sorted(days))) for child, days in sorted(children.items())))
                for (_order, label), children in sorted(activities.items())
            ),
        )
        for title, activities in zip(titles, grouped, strict=True)
        if activities
    )
    own = [line for line in lines if line.kind in REQUESTS]
    return FamilyReport(
        holder_name=holder_name,
        structure_name=structure_name,
        requests=len(own),
        bookings=sum(1 for line in own if line.kind is MovementKind.BOOK),
        cancellations=sum(1 for line in own if line.kind is MovementKind.CANCEL),
        changes=sum(1 for line in own if line.kind is MovementKind.CHANGE_TIMES),
        sections=sections,
    )


def _count_lines(report: FamilyReport) -> list[str]:
    if not report.requests:
        return []
    lines = [
        ngettext(
            "{count} movement on your booking requests has been received, of which:",
            "{count} movements on your booking requests have been received, of which:",
            report.requests,
        ).format(count=report.requests)
    ]
    if report.bookings:
        lines.append(ngettext("{count} new booking request", "{count} new booking requests",
                              report.bookings).format(count=report.bookings))
    if report.cancellations:
        lines.append(ngettext("{count} cancellation request", "{count} cancellation requests",
                              report.cancellations).format(count=report.cancellations))
    if report.changes:
        lines.append(ngettext("{count} request to change times", "{count} requests to change times",
                              report.changes).format(count=report.changes))
    return lines[:1] + [f"{COUNT_INDENT}- {line}" for line in lines[1:]]


def _activity(label: str) -> str:
    return _("--> Activity: {activity}:").format(activity=label)


def _days(days: tuple[date, ...]) -> str:
    return ", ".join(short_day(day) for day in days)


def report_text(report: FamilyReport) -> str:
    out = [
        report.holder_name,
        "",
        _("Please find below a report of the changes made to your booking requests at the structure: {structure}.").format(
            structure=report.structure_name
        ),
        "",
    ]
    counts = _count_lines(report)
    if counts:
        out += counts + [""]
    for section in report.sections:
        out.append(BANNER.format(title=section.title))
        for activity, children in section.activities:
            out.append(_activity(activity))
            out += [f"{CHILD_INDENT}{child} : {_days(days)}" for child, days in children]
        out.append("")
    out.append(_("You can check the state of your bookings on the family portal."))
    return "\n".join(out) + "\n"


def report_html(report: FamilyReport) -> str:
    """The same report as an HTML alternative part."""
    parts = [
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"></head>",
        "<body style=\"font-family: sans-serif\">",
        f"<p><strong>{escape(report.holder_name)}</strong></p>",
        "<p>" + escape(_("Please find below a report of the changes made to your booking requests at the structure: {structure}.").format(structure=report.structure_name)) + "</p>",
    ]
    counts = _count_lines(report)
    if counts:
        parts.append(f"<p>{escape(counts[0])}</p><ul>")
        parts += [f"<li>{escape(line.strip().removeprefix('- '))}</li>" for line in counts[1:]]
        parts.append("</ul>")
    for section in report.sections:
        parts.append(f"<h3>{escape(section.title)}</h3>")
        for activity, children in section.activities:
            parts.append(f"<p><strong>{escape(_activity(activity).removeprefix('--> '))}</strong></p><ul>")
            parts += [f"<li>{escape(child)} : {escape(_days(days))}</li>" for child, days in children]
            parts.append("</ul>")
    parts.append("<p>" + escape(_("You can check the state of your bookings on the family portal.")) + "</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
