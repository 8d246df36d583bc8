"""The managers' back office ("Paramétrage"): `AdminPanel` and its sections."""

from famdesk.ui.admin.panel import AdminPanel

__all__ = ["AdminPanel"]
