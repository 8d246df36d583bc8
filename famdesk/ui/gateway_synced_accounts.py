"""The synced gateway's accounts: "Le retrouver" (no session), "Profil", the first password,
the front desk's family files, and the kiosk's idle time.

`SyncedAccountsMixin` is written against `SyncedGateway`'s `_call(...)`, `_message(...)`
and `_session`. The remembered login stays on this computer (`SyncedGateway` itself).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from famdesk.services.account_facts import RecordFacts
from famdesk.services.auth import SessionInfo
from famdesk.services.families import (
    ChildDetails,
    FamilyDetails,
    FamilyHit,
    FamilyRecord,
    OneTimePassword,
)
from famdesk.services.profile import Profile
from famdesk.services.recovery import CodeSent, RecoveryOptions
from famdesk.wire import paths
from famdesk.wire.messages import (
    AnswerReset,
    ChildDetailsIn,
    CodeReset,
    EmailAnswer,
    EmailChange,
    FamilyAccountRequest,
    FamilyDetailsIn,
    FirstPassword,
    IdAnswer,
    IdleSecondsAnswer,
    LoginOnly,
    PasswordChange,
    QuotientRequest,
    RegistrationRequest,
    SecurityQuestionChange,
)

if TYPE_CHECKING:
    from pydantic import BaseModel


class SyncedAccountsMixin:
    if TYPE_CHECKING:  # provided by SyncedGateway
        _session: SessionInfo | None

        async def _call(self, method: str, path: str, answer: Any, *,
                        body: BaseModel | None = None, params: dict[str, Any] | None = None,
                        session: bool = True, timeout: float | None = None) -> Any: ...

        def _message(self, kind: Any, **fields: Any) -> Any: ...

    # -- "Le retrouver" (no session; counted per kiosk, else per address) -----------------

    async def recovery_options(self, login: str) -> RecoveryOptions:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.RECOVERY_OPTIONS, RecoveryOptions,
            body=self._message(LoginOnly, login=login), session=False)

    async def reset_with_answer(self, login: str, answer: str, new_password: str) -> None:
        await self._call("POST", paths.RECOVERY_ANSWER, None, session=False, body=self._message(
            AnswerReset, login=login, answer=answer, new_password=new_password))

    async def send_code(self, login: str) -> CodeSent:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.RECOVERY_CODE, CodeSent, body=self._message(LoginOnly, login=login),
            session=False)

    async def reset_with_code(self, login: str, code: str, new_password: str) -> None:
        await self._call("POST", paths.RECOVERY_CODE_RESET, None, session=False,
                         body=self._message(CodeReset, login=login, code=code,
                                            new_password=new_password))

    # -- "Profil" ------------------------------------------------------------------------------

    async def profile(self) -> Profile:
        return await self._call("GET", paths.PROFILE, Profile)  # type: ignore[no-any-return]

    async def change_password(self, current: str, new: str) -> None:
        await self._call("POST", paths.PROFILE_PASSWORD, None,
                         body=self._message(PasswordChange, current=current, new=new))

    async def change_email(self, email: str | None) -> str | None:
        answer = await self._call("POST", paths.PROFILE_EMAIL, EmailAnswer,
                                  body=self._message(EmailChange, email=email))
        return answer.email  # type: ignore[no-any-return]

    async def change_security_question(
        self, current_password: str, question: str, answer: str
    ) -> None:
        await self._call("POST", paths.PROFILE_SECURITY_QUESTION, None, body=self._message(
            SecurityQuestionChange, current_password=current_password, question=question,
            answer=answer))

    async def set_first_password(self, one_time_password: str, new: str) -> SessionInfo:
        """Replaces the one-time password; the gateway keeps the session it returns."""
        updated: SessionInfo = await self._call(
            "POST", paths.PROFILE_FIRST_PASSWORD, SessionInfo,
            body=self._message(FirstPassword, one_time_password=one_time_password, new=new))
        if self._session is not None and self._session.account_id == updated.account_id:
            self._session = updated
        return updated

    # -- family files -----------------------------------------------------------------------

    async def search_families(
        self, structure_id: int, text: str, limit: int = 50
    ) -> tuple[FamilyHit, ...]:
        return tuple(await self._call(
            "GET", paths.FAMILY_SEARCH.format(structure_id=structure_id),
            tuple[FamilyHit, ...], params={"text": text, "limit": limit}))

    async def family_record(self, family_id: int) -> FamilyRecord:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.FAMILY_RECORD.format(family_id=family_id), FamilyRecord)

    async def record_facts(self, structure_id: int) -> RecordFacts:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.RECORD_FACTS.format(structure_id=structure_id), RecordFacts)

    async def save_family(
        self, structure_id: int, details: FamilyDetails, family_id: int | None = None
    ) -> int:
        body = self._message(FamilyDetailsIn, civility=details.civility,
                             last_name=details.last_name, first_name=details.first_name,
                             email=details.email, phone=details.phone, address=details.address)
        if family_id is None:
            answer = await self._call(
                "POST", paths.FAMILY_CREATE.format(structure_id=structure_id), IdAnswer,
                body=body)
        else:
            answer = await self._call(
                "PUT", paths.FAMILY_SAVE.format(structure_id=structure_id, family_id=family_id),
                IdAnswer, body=body)
        return answer.id  # type: ignore[no-any-return]

    async def set_quotient(
        self, family_id: int, value: int, valid_from: date, valid_until: date | None = None
    ) -> int:
        answer = await self._call(
            "POST", paths.QUOTIENTS.format(family_id=family_id), IdAnswer,
            body=self._message(QuotientRequest, value=value, valid_from=valid_from,
                               valid_until=valid_until))
        return answer.id  # type: ignore[no-any-return]

    async def save_child(
        self, family_id: int, details: ChildDetails, child_id: int | None = None
    ) -> int:
        body = self._message(ChildDetailsIn, first_name=details.first_name,
                             last_name=details.last_name, birth_date=details.birth_date,
                             school=details.school, class_name=details.class_name)
        if child_id is None:
            answer = await self._call("POST", paths.CHILD_CREATE.format(family_id=family_id),
                                      IdAnswer, body=body)
        else:
            answer = await self._call(
                "PUT", paths.CHILD_SAVE.format(family_id=family_id, child_id=child_id),
                IdAnswer, body=body)
        return answer.id  # type: ignore[no-any-return]

    async def register(
        self, child_id: int, activity_id: int, starts_on: date, ends_on: date
    ) -> int:
        answer = await self._call(
            "POST", paths.REGISTRATIONS, IdAnswer,
            body=self._message(RegistrationRequest, child_id=child_id, activity_id=activity_id,
                               starts_on=starts_on, ends_on=ends_on))
        return answer.id  # type: ignore[no-any-return]

    async def unregister(self, registration_id: int) -> None:
        await self._call("DELETE", paths.REGISTRATION.format(registration_id=registration_id),
                         None)

    async def create_family_account(self, family_id: int, login: str) -> OneTimePassword:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.FAMILY_ACCOUNT.format(family_id=family_id), OneTimePassword,
            body=self._message(FamilyAccountRequest, login=login))

    async def reset_family_password(self, family_id: int) -> OneTimePassword:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.FAMILY_ACCOUNT_RESET.format(family_id=family_id), OneTimePassword)

    # -- the kiosk --------------------------------------------------------------------------

    async def kiosk_idle_seconds(self, structure_id: int) -> int:
        answer = await self._call("GET", paths.KIOSK_IDLE.format(structure_id=structure_id),
                                  IdleSecondsAnswer)
        return answer.seconds  # type: ignore[no-any-return]
