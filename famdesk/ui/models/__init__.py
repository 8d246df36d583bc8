"""Qt item models over the services' DTOs; their roles are in `roles.py`."""

from famdesk.ui.models.news_model import NewsListModel

__all__ = ["NewsListModel"]
