"""The web app and JSON API (FastAPI + Jinja2), with the data-sharing policy and the audit log."""

from padan.web.app import create_app

__all__ = ["create_app"]
