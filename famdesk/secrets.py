"""Secrets (SMTP and database passwords, device tokens, a remembered login) behind keyring."""

from __future__ import annotations

import contextlib
import logging
from typing import Protocol

log = logging.getLogger(__name__)
SERVICE = "famdesk"


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...
    def backend_name(self) -> str: ...
    def usable(self) -> bool:
        """False where nothing can be kept (no keyring on this computer)."""
        ...


class KeyringSecretStore:
    """The system keyring; reads as empty where no backend is available."""

    def get(self, name: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(SERVICE, name)
        except KeyringError:
            log.warning("keyring unavailable while reading %s", name)
            return None

    def set(self, name: str, value: str) -> None:
        import keyring

        keyring.set_password(SERVICE, name, value)

    def delete(self, name: str) -> None:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError, KeyringError):
            keyring.delete_password(SERVICE, name)

    def backend_name(self) -> str:
        import keyring

        backend = keyring.get_keyring()
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def usable(self) -> bool:
        import keyring
        import keyring.backends.fail

        return not isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring)


class MemorySecretStore:
    """An in-memory store for tests and for machines without a keyring."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)

    def backend_name(self) -> str:
        return "memory"

    def usable(self) -> bool:
        return True
