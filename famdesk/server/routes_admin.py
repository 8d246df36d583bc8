"""The back office ("Paramétrage", managers): the structure's settings, news, wallets,
activities and their deadline rules, and the families import. The opening calendar, places,
closures and waiting lists are in `routes_admin_days`.

The same services as the desktop's local mode (`AdminGatewayMixin`); they refuse anyone but
a manager of the structure. The mail server's password saved here goes to the SERVER's
secret store (the keyring of the account `famdesk serve` runs as), never to the database:
the server is what sends the e-mails.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from famdesk.server.context import CallerDep, PathId, ServerDep, no_content, reply
from famdesk.server.errors import ERROR_RESPONSES
from famdesk.services import backoffice as service
from famdesk.services import family_import
from famdesk.services.backoffice import (
    ActivityDefinition,
    DeadlinesTest,
    NewsRow,
    StructureSettings,
    WalletRow,
)
from famdesk.services.family_import import FamilyImportReport
from famdesk.services.uow import UnitOfWork
from famdesk.wire import paths
from famdesk.wire.messages_admin import (
    ActivitiesPageAnswer,
    ActivityFormIn,
    DeadlinesTestRequest,
    FamilyImportRequest,
    NewsRequest,
    OnlineSettingsRequest,
    SmtpRequest,
    StructureRequest,
    WalletRequest,
)

router = APIRouter(responses=ERROR_RESPONSES, tags=["back office"])


# -- the structure ------------------------------------------------------------------------------


@router.get(paths.STRUCTURE_SETTINGS, response_model=StructureSettings)
def structure_settings(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """The structure's settings; `smtp_password_stored` says whether the server's secret
    store holds the mail server's password (never read out)."""
    secrets = server.ctx.secrets
    settings = server.run(lambda uow: service.structure_settings(
        uow, caller.session, structure_id, secrets=secrets))
    return reply(settings, StructureSettings)


@router.put(paths.STRUCTURE_SETTINGS, response_model=StructureSettings)
def save_structure(structure_id: PathId, body: StructureRequest, caller: CallerDep,
                   server: ServerDep) -> Response:
    settings = server.run(lambda uow: service.save_structure(
        uow, server.clock, caller.session, structure_id, body.name, body.holiday_zone,
        body.kiosk_idle_seconds, secrets=server.ctx.secrets, terminal=caller.terminal),
        write=True)
    return reply(settings, StructureSettings)


@router.put(paths.STRUCTURE_SMTP, response_model=StructureSettings)
def save_smtp(structure_id: PathId, body: SmtpRequest, caller: CallerDep,
              server: ServerDep) -> Response:
    """The mail server; its password goes to the server's secret store (null keeps it)."""
    settings = server.run(lambda uow: service.save_smtp(
        uow, server.clock, caller.session, structure_id, body.to_form(),
        secrets=server.ctx.secrets, terminal=caller.terminal), write=True)
    return reply(settings, StructureSettings)


@router.put(paths.STRUCTURE_ONLINE, response_model=StructureSettings)
def save_online_settings(structure_id: PathId, body: OnlineSettingsRequest, caller: CallerDep,
                         server: ServerDep) -> Response:
    """The card payment online; the settings as saved come back."""
    settings = body.to_settings()

    def work(uow: UnitOfWork) -> StructureSettings:
        service.save_online_settings(uow, server.clock, caller.session, structure_id, settings,
                                     terminal=caller.terminal)
        return service.structure_settings(uow, caller.session, structure_id,
                                          secrets=server.ctx.secrets)

    return reply(server.run(work, write=True), StructureSettings)


# -- news ---------------------------------------------------------------------------------------


@router.get(paths.NEWS_ITEMS, response_model=tuple[NewsRow, ...])
def news_items(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    rows = server.run(lambda uow: service.news_items(
        uow, server.clock, caller.session, structure_id))
    return reply(rows, tuple[NewsRow, ...])


@router.post(paths.NEWS_ITEMS, response_model=NewsRow, status_code=201)
def add_news(structure_id: PathId, body: NewsRequest, caller: CallerDep,
             server: ServerDep) -> Response:
    row = server.run(lambda uow: service.save_news(
        uow, server.clock, caller.session, structure_id, body.to_form(), None,
        terminal=caller.terminal), write=True)
    return reply(row, NewsRow, 201)


@router.put(paths.NEWS_ITEM, response_model=NewsRow)
def save_news(structure_id: PathId, news_id: PathId, body: NewsRequest, caller: CallerDep,
              server: ServerDep) -> Response:
    row = server.run(lambda uow: service.save_news(
        uow, server.clock, caller.session, structure_id, body.to_form(), news_id,
        terminal=caller.terminal), write=True)
    return reply(row, NewsRow)


@router.post(paths.NEWS_UNPUBLISH, response_model=NewsRow)
def unpublish_news(structure_id: PathId, news_id: PathId, caller: CallerDep,
                   server: ServerDep) -> Response:
    row = server.run(lambda uow: service.unpublish_news(
        uow, server.clock, caller.session, structure_id, news_id, terminal=caller.terminal),
        write=True)
    return reply(row, NewsRow)


@router.delete(paths.NEWS_ITEM, status_code=204, response_class=Response)
def delete_news(structure_id: PathId, news_id: PathId, caller: CallerDep,
                server: ServerDep) -> Response:
    server.run(lambda uow: service.delete_news(
        uow, server.clock, caller.session, structure_id, news_id, terminal=caller.terminal),
        write=True)
    return no_content()


# -- wallets and activities ---------------------------------------------------------------------


@router.get(paths.ACTIVITIES_PAGE, response_model=ActivitiesPageAnswer)
def activities_page(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """The wallets and the activities, read together."""
    page = server.run(lambda uow: (service.wallet_rows(uow, caller.session, structure_id),
                                   service.activity_rows(uow, caller.session, structure_id)))
    return reply(page, ActivitiesPageAnswer)


@router.post(paths.WALLETS, response_model=WalletRow, status_code=201)
def add_wallet(structure_id: PathId, body: WalletRequest, caller: CallerDep,
               server: ServerDep) -> Response:
    row = server.run(lambda uow: service.save_wallet(
        uow, server.clock, caller.session, structure_id, body.label, body.display_order, None,
        terminal=caller.terminal), write=True)
    return reply(row, WalletRow, 201)


@router.put(paths.WALLET, response_model=WalletRow)
def save_wallet(structure_id: PathId, wallet_id: PathId, body: WalletRequest,
                caller: CallerDep, server: ServerDep) -> Response:
    row = server.run(lambda uow: service.save_wallet(
        uow, server.clock, caller.session, structure_id, body.label, body.display_order,
        wallet_id, terminal=caller.terminal), write=True)
    return reply(row, WalletRow)


@router.get(paths.ACTIVITY, response_model=ActivityDefinition)
def activity_definition(activity_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    found = server.run(lambda uow: service.activity_definition(uow, caller.session, activity_id))
    return reply(found, ActivityDefinition)


@router.post(paths.ACTIVITIES, response_model=ActivityDefinition, status_code=201)
def add_activity(structure_id: PathId, body: ActivityFormIn, caller: CallerDep,
                 server: ServerDep) -> Response:
    made = server.run(lambda uow: service.add_activity(
        uow, server.clock, caller.session, structure_id, body.to_form(),
        terminal=caller.terminal), write=True)
    return reply(made, ActivityDefinition, 201)


@router.put(paths.ACTIVITY, response_model=ActivityDefinition)
def update_activity(activity_id: PathId, body: ActivityFormIn, caller: CallerDep,
                    server: ServerDep) -> Response:
    saved = server.run(lambda uow: service.update_activity(
        uow, server.clock, caller.session, activity_id, body.to_form(),
        terminal=caller.terminal), write=True)
    return reply(saved, ActivityDefinition)


@router.post(paths.DEADLINES_TEST, response_model=DeadlinesTest)
def deadlines_on(structure_id: PathId, body: DeadlinesTestRequest, caller: CallerDep,
                 server: ServerDep) -> Response:
    """The rule tester: the deadlines of `day` under rules saved or not; saves nothing."""
    booking, cancellation = body.parts()
    test = server.run(lambda uow: service.deadlines_on(
        uow, caller.session, structure_id, body.day, booking, cancellation))
    return reply(test, DeadlinesTest)


# -- the families import --------------------------------------------------------------------------


@router.post(paths.FAMILY_IMPORT_CHECK, response_model=FamilyImportReport)
def check_family_import(structure_id: PathId, body: FamilyImportRequest, caller: CallerDep,
                        server: ServerDep) -> Response:
    """The dry run: every rejected line (by line number) and what the file would create;
    writes nothing."""
    report = server.run(lambda uow: family_import.check_family_import(
        uow, server.clock, caller.session, structure_id, body.data))
    return reply(report, FamilyImportReport)


@router.post(paths.FAMILY_IMPORT, response_model=FamilyImportReport)
def import_families(structure_id: PathId, body: FamilyImportRequest, caller: CallerDep,
                    server: ServerDep) -> Response:
    """All or nothing: a rejected line refuses the whole file (422 `import_rejected`)."""
    report = server.run(lambda uow: family_import.import_families(
        uow, server.clock, caller.session, structure_id, body.data, terminal=caller.terminal,
        source=body.source), write=True)
    return reply(report, FamilyImportReport)
