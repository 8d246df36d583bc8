"""famdesk's command line: open the app, or run one of the subcommands."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from famdesk import __version__
from famdesk.cli_setup import add_setup_parser, cmd_setup
from famdesk.errors import FamdeskError
from famdesk.i18n import _, ngettext

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a date (expected YYYY-MM-DD).").format(text=text)
        ) from exc


def _instant(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not an instant (expected e.g. 2026-11-27T22:00).").format(text=text)
        ) from exc
    return instant if instant.tzinfo else instant.replace(tzinfo=ZoneInfo("Europe/Paris"))


def _database_option(default: object) -> argparse.ArgumentParser:
    """`--database`, accepted before or after the subcommand."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--database",
        metavar="URL",
        default=default,
        help=_("database address: sqlite:///FILE or postgresql+psycopg://USER@HOST/NAME "
               "(default: FAMDESK_DATABASE_URL, else famdesk.db in the user data folder)"),
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    # after the subcommand, an absent option must not hide one given before it
    database = _database_option(argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="famdesk",
        parents=[_database_option(None)],
        description=_("famdesk, the family portal of a town's periscolaire services."),
    )
    parser.add_argument("--version", action="version", version=f"famdesk {__version__}")
    parser.add_argument(
        "--kiosk", action="store_true",
        help=_("kiosk mode for a shared PC: full screen, logged out when left idle, "
               "nothing remembered (a SQLite file on this PC, or a famdesk server with "
               "--server)"),
    )
    parser.add_argument(
        "--server", metavar="URL",
        help=_("work through a famdesk server (synced mode), e.g. http://server:8765 "
               "(default: the address kept in the settings, if any)"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", parents=[database], help=_("create the demo town (Mairie de Démoville)")
    )
    demo.add_argument("--reset", action="store_true", help=_("wipe the database's data first"))
    demo.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD",
        help=_("build the school year around this day (default: today)"),
    )
    add_setup_parser(commands, database)

    db = commands.add_parser("db", parents=[database], help=_("database maintenance"))
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", parents=[database], help=_("migrate the schema to this version"))
    db_commands.add_parser("check", parents=[database], help=_("verify the database's invariants"))
    db_commands.add_parser(
        "password", parents=[database],
        help=_("keep the PostgreSQL password of this address in this computer's keyring"),
    )

    transmit = commands.add_parser(
        "transmit", parents=[database],
        help=_("the nightly transmission: mark the requests transmitted, e-mail each family its report"),
    )
    transmit.add_argument(
        "--now", type=_instant, metavar="ISO-8601",
        help=_("run as if it were this instant (default: now)"),
    )

    payments = commands.add_parser(
        "payments", parents=[database], help=_("the online card payments"))
    payments_commands = payments.add_subparsers(
        dest="payments_command", metavar="ACTION", required=True)
    payments_commands.add_parser(
        "poll", parents=[database],
        help=_("ask the payment service about every payment still pending, and credit "
               "those paid (for cron, e.g. every 15 minutes)"))

    commands.add_parser(
        "self-check", help=_("check this installation: migrations, PDF fonts, catalog, keyring")
    )

    import_ = commands.add_parser(
        "import", parents=[database], help=_("import data from a spreadsheet export")
    )
    import_commands = import_.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    families = import_commands.add_parser(
        "families", parents=[database],
        help=_("families, children and registrations from a CSV file (one line per child)"),
    )
    families.add_argument("file", metavar="FILE.csv", help=_("the CSV file to import"))
    families.add_argument(
        "--structure", required=True, metavar="NAME",
        help=_("the structure to import into, by its name"),
    )
    families.add_argument(
        "--dry-run", action="store_true",
        help=_("only check the file: list the rejected lines, import nothing"),
    )

    serve = commands.add_parser(
        "serve", parents=[database],
        help=_("the HTTP server for desks and kiosks sharing a PostgreSQL database"),
    )
    serve.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default: 127.0.0.1)"))
    serve.add_argument("--port", type=int, default=8765, help=_("port to listen on (default: 8765)"))
    serve.add_argument("--workers", type=int, default=1, help=_("server processes (default: 1)"))
    serve.add_argument("--certfile", metavar="FILE", help=_("TLS certificate (PEM), for HTTPS"))
    serve.add_argument("--keyfile", metavar="FILE", help=_("TLS private key (PEM), for HTTPS"))
    serve.add_argument(
        "--transmit-at", metavar="HH:MM",
        help=_("run the nightly transmission every day at this time (Paris time)"),
    )

    kiosk = commands.add_parser("kiosk", help=_("this PC as a kiosk of a famdesk server"))
    kiosk_commands = kiosk.add_subparsers(dest="kiosk_command", metavar="ACTION", required=True)
    register = kiosk_commands.add_parser(
        "register",
        help=_("register this PC as a kiosk; a manager runs it once, on the kiosk PC (the "
               "device token goes to this PC's keyring)"),
    )
    register.add_argument("--server", required=True, metavar="URL",
                          help=_("the famdesk server, e.g. http://server:8765"))
    register.add_argument("--label", required=True, metavar="NAME",
                          help=_("the kiosk's name, e.g. “Hall kiosk”"))
    register.add_argument("--login", metavar="LOGIN",
                          help=_("the manager's login (asked when absent)"))
    register.add_argument("--structure", metavar="NAME",
                          help=_("the structure, for a manager of several"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return cmd_demo(args)
        if args.command == "setup":
            return cmd_setup(args)
        if args.command == "db":
            return cmd_db(args)
        if args.command == "transmit":
            return cmd_transmit(args)
        if args.command == "payments":
            return cmd_payments_poll(args)
        if args.command == "self-check":
            return cmd_self_check()
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "import":
            return cmd_import(args)
        if args.command == "kiosk":
            return cmd_kiosk(args)
        return cmd_open(args)
    except FamdeskError as exc:
        print(f"famdesk : {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


def cmd_open(args: argparse.Namespace) -> int:
    from famdesk.bootstrap import open_context
    from famdesk.logsetup import configure_logging
    from famdesk.server_address import chosen_server

    configure_logging()
    kiosk = bool(getattr(args, "kiosk", False))
    server = chosen_server(getattr(args, "server", None), args.database)
    if server is not None:
        from famdesk.ui.synced_start import run_synced

        return run_synced(server, argv=sys.argv[:1], kiosk=kiosk)
    if kiosk:
        from famdesk.config import resolve_database
        from famdesk.ui.kiosk import check_kiosk_database

        check_kiosk_database(resolve_database(args.database))
    ctx = open_context(args.database)
    try:
        from famdesk.ui.app import run_app

        return run_app(ctx, argv=sys.argv[:1], kiosk=kiosk)
    finally:
        ctx.close()


def cmd_demo(args: argparse.Namespace) -> int:
    from famdesk.bootstrap import open_context
    from famdesk.clock import OffsetClock, SystemClock
    from famdesk.services.demo import DEMO_PASSWORD, build_demo

    if args.today is not None:
        paris = ZoneInfo("Europe/Paris")
        start = datetime.combine(args.today, time(8, 0), tzinfo=paris).astimezone(UTC)
        clock = OffsetClock.starting_at(start)
    else:
        clock = SystemClock()
    ctx = open_context(args.database, clock=clock)
    try:
        today = args.today or clock.now().astimezone(ZoneInfo("Europe/Paris")).date()
        summary = build_demo(ctx, today=today, reset=args.reset)
    finally:
        ctx.close()
    print(_("Demo town created in {url}.").format(url=ctx.db.target.display()))
    print(_("Accounts (password for all: {password}):").format(password=DEMO_PASSWORD))
    for account in summary.accounts:
        print(f"  {account.login:<12} {account.role_label:<14} {account.name}")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from famdesk.bootstrap import open_context
    from famdesk.services.dbcheck import check_database
    from famdesk.services.uow import UnitOfWork

    if args.db_command == "password":
        return cmd_db_password(args)
    if args.db_command == "upgrade":
        ctx = open_context(args.database, upgrade=True)
        ctx.close()
        print(_("The database {url} is up to date.").format(url=ctx.db.target.display()))
        return EXIT_OK
    ctx = open_context(args.database, upgrade=False)
    try:
        if ctx.db.needs_upgrade():
            print(_("The database must be migrated first: famdesk db upgrade."), file=sys.stderr)
            return EXIT_FAILED
        with UnitOfWork(ctx.db) as uow:
            problems = check_database(uow)
    finally:
        ctx.close()
    for problem in problems:
        print(problem)
    if problems:
        count = len(problems)
        print(
            ngettext("{count} problem found.", "{count} problems found.", count).format(count=count),
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(_("The database is consistent."))
    return EXIT_OK


def cmd_db_password(args: argparse.Namespace) -> int:
    import getpass

    from famdesk.bootstrap import password_key
    from famdesk.config import resolve_database
    from famdesk.secrets import KeyringSecretStore

    target = resolve_database(args.database)
    if not target.is_postgresql:
        print(_("Only a PostgreSQL database has a password to keep."), file=sys.stderr)
        return EXIT_USAGE
    store = KeyringSecretStore()
    if not store.usable():
        print(_("This computer has no keyring to keep the password in."), file=sys.stderr)
        return EXIT_FAILED
    password = getpass.getpass(_("Password of {url}: ").format(url=target.display()))
    if not password:
        return EXIT_USAGE
    store.set(password_key(target), password)
    print(_("The password is kept in this computer's keyring."))
    return EXIT_OK


def cmd_transmit(args: argparse.Namespace) -> int:
    from famdesk.bootstrap import open_context
    from famdesk.clock import FixedClock, SystemClock
    from famdesk.logsetup import configure_logging
    from famdesk.services.outbox import smtp_mailers
    from famdesk.services.transmission import transmit

    configure_logging()
    clock = FixedClock(args.now) if args.now is not None else SystemClock()
    ctx = open_context(args.database, clock=clock)
    try:
        summary = transmit(ctx.db, ctx.clock, smtp_mailers(ctx.secrets))
    finally:
        ctx.close()
    for line in summary.lines():
        print(line)
    return EXIT_OK if not summary.sending.failed else EXIT_FAILED


def cmd_payments_poll(args: argparse.Namespace) -> int:
    """`famdesk payments poll`: see famdesk/services/payment_poll.py. The local test
    provider's payments are left to the app that took them."""
    from famdesk.bootstrap import open_context
    from famdesk.logsetup import configure_logging
    from famdesk.services.payment_poll import poll_pending
    from famdesk.services.payment_providers.pool import ProviderPool

    configure_logging()
    ctx = open_context(args.database)
    pool = ProviderPool(ctx.clock)
    try:
        summary = poll_pending(ctx.db, ctx.clock, pool.for_unwatched)
    finally:
        pool.close()
        ctx.close()
    print(_("Pending online payments asked about: {asked} (paid: {paid}, refused or failed: "
            "{failed}, cancelled: {cancelled}, still pending: {pending}); left to the app "
            "that took them: {skipped}").format(
        asked=summary.asked, paid=summary.paid, failed=summary.failed,
        cancelled=summary.cancelled, pending=summary.pending, skipped=summary.skipped))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """`famdesk serve`: see famdesk/server/runner.py (PostgreSQL only)."""
    from pathlib import Path

    from famdesk.errors import ValidationError
    from famdesk.logsetup import configure_logging
    from famdesk.server.runner import ServeOptions, serve

    transmit_at = None
    if args.transmit_at:
        try:
            transmit_at = time.fromisoformat(args.transmit_at)
        except ValueError:
            raise ValidationError(
                _("“{text}” is not a time (expected HH:MM).").format(text=args.transmit_at)
            ) from None
    configure_logging()
    return serve(ServeOptions(
        database=args.database, host=args.host, port=args.port, workers=args.workers,
        certfile=Path(args.certfile) if args.certfile else None,
        keyfile=Path(args.keyfile) if args.keyfile else None, transmit_at=transmit_at,
    ))


def cmd_kiosk(args: argparse.Namespace) -> int:
    """`famdesk kiosk register --server URL --label NAME`: see famdesk/kiosk_setup.py."""
    import asyncio
    import getpass

    from famdesk.kiosk_setup import register_this_pc
    from famdesk.logsetup import configure_logging
    from famdesk.secrets import KeyringSecretStore
    from famdesk.server_address import check_server_url

    configure_logging()
    url = check_server_url(args.server)
    store = KeyringSecretStore()
    if not store.usable():
        print(_("This computer has no keyring to keep the device token in."), file=sys.stderr)
        return EXIT_FAILED
    login = (args.login or input(_("Manager's login: "))).strip()
    password = getpass.getpass(_("Password of {login}: ").format(login=login)) if login else ""
    if not login or not password:
        return EXIT_USAGE
    done = asyncio.run(register_this_pc(url, login, password, args.label, store,
                                        structure=args.structure))
    print(_("This PC is the kiosk “{label}” of {structure}; its device token is kept in "
            "this computer's keyring.").format(label=done.label, structure=done.structure_name))
    if done.replaced_kiosk_id is not None:
        print(_("The kiosk this PC was before is revoked."))
    print(_("Start it with: famdesk --kiosk --server {url}").format(url=url))
    return EXIT_OK


def cmd_self_check() -> int:
    from famdesk.secrets import KeyringSecretStore
    from famdesk.services.selfcheck import run_self_check

    results = run_self_check(KeyringSecretStore())
    for result in results:  # WARN: a part only a kiosk needs is missing
        print(f"{result.mark} {result.name}: {result.detail}")
    return EXIT_OK if all(r.passed for r in results) else EXIT_FAILED


def cmd_import(args: argparse.Namespace) -> int:
    """`famdesk import families FILE.csv --structure NAME [--dry-run]`, as famdesk itself."""
    from pathlib import Path

    from famdesk.bootstrap import open_context
    from famdesk.logsetup import configure_logging
    from famdesk.services.auth import SYSTEM
    from famdesk.services.family_import import (
        ImportRejectedError,
        check_family_import,
        import_families,
        structure_by_name,
    )
    from famdesk.services.family_import_parse import read_import_file
    from famdesk.services.uow import UnitOfWork

    configure_logging()
    data = read_import_file(args.file)
    ctx = open_context(args.database, upgrade=not args.dry_run)  # a dry run changes nothing
    try:
        if ctx.db.needs_upgrade():
            print(_("The database must be migrated first: famdesk db upgrade."), file=sys.stderr)
            return EXIT_FAILED
        with UnitOfWork(ctx.db) as uow:
            structure_id = structure_by_name(uow, args.structure)
        if args.dry_run:
            with UnitOfWork(ctx.db) as uow:
                report = check_family_import(uow, ctx.clock, SYSTEM, structure_id, data)
        else:
            try:
                with UnitOfWork(ctx.db, write=True) as uow:
                    report = import_families(uow, ctx.clock, SYSTEM, structure_id, data,
                                             terminal=ctx.terminal, source=Path(args.file).name)
            except ImportRejectedError as exc:
                report = exc.report
    finally:
        ctx.close()
    for rejected in report.rejected:
        print(rejected.text())
    for line in report.summary_lines():
        print(line)
    return EXIT_OK if report.ok else EXIT_FAILED
