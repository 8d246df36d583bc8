"""`famdesk setup`: a real town's first run, on a new (or not yet set up) database.

    famdesk setup --structure "Mairie de X" --zone B --admin LOGIN [--name "Prénom Nom"]
                  [--email ADDRESS] [--timezone Europe/Paris] [--database URL]

Migrates the schema if needed, creates the structure and its first manager, and prints the
manager's one-time password ONCE: famdesk keeps only its hash. The manager logs in with it
(`famdesk`) and chooses their own password at once; then sets the town up in "Paramétrage".
Refused (a French message, exit 1) when the database already has a manager account.
"""

from __future__ import annotations

import argparse
from typing import Any

from famdesk.errors import ValidationError
from famdesk.i18n import _

EXIT_OK = 0
OPTIONS = {"name": "--structure", "holiday_zone": "--zone", "timezone": "--timezone",
           "login": "--admin", "display_name": "--name", "email": "--email"}
"""The option that gave each field, to say which one a refusal is about."""


def add_setup_parser(commands: Any, database: argparse.ArgumentParser) -> None:
    """The `setup` subcommand on `commands` (argparse's subparsers)."""
    setup = commands.add_parser(
        "setup", parents=[database],
        help=_("a new town's first run: its first structure and its manager account"),
    )
    setup.add_argument("--structure", required=True, metavar="NAME",
                       help=_("the structure's name, e.g. “Mairie de Démoville”"))
    setup.add_argument("--zone", required=True, metavar="A|B|C", type=str.upper,
                       help=_("the school-holiday zone: A, B or C"))
    setup.add_argument("--admin", required=True, metavar="LOGIN",
                       help=_("the manager's login"))
    setup.add_argument("--name", metavar="NAME",
                       help=_("the manager's name, e.g. “Nathalie Roussel” (default: the login)"))
    setup.add_argument("--email", metavar="ADDRESS", help=_("the manager's e-mail address"))
    setup.add_argument("--timezone", default="Europe/Paris", metavar="ZONE",
                       help=_("the structure's time zone (default: Europe/Paris)"))


def cmd_setup(args: argparse.Namespace) -> int:
    from famdesk.bootstrap import open_context
    from famdesk.logsetup import configure_logging
    from famdesk.services.first_run import set_up_town
    from famdesk.services.uow import UnitOfWork

    configure_logging()
    ctx = open_context(args.database, upgrade=True)
    try:
        with UnitOfWork(ctx.db, write=True) as uow:  # refused once a manager exists
            done = set_up_town(uow, ctx.clock, args.structure, args.zone, args.admin, args.name,
                               args.email, args.timezone, terminal=ctx.terminal)
    except ValidationError as exc:
        option = OPTIONS.get(exc.field or "")
        if option is None:
            raise
        raise ValidationError(_("{option}: {message}").format(option=option, message=exc.message),
                              field=exc.field) from None
    finally:
        ctx.close()
    print(_("The structure “{name}” is created in {url}.").format(
        name=done.structure_name, url=ctx.db.target.display()))
    print(_("Manager's login: {login}").format(login=done.manager.login))
    print(_("One-time password (shown this once, write it down now): {password}").format(
        password=done.manager.password))
    print(_("Log in with it (famdesk): you choose your own password at once, then set the "
            "town up in “Settings”."))
    return EXIT_OK
