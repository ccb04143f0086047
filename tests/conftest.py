"""Shared test configuration: every test runs with the offline/quiet environment."""

from __future__ import annotations

from impresarc import settings

settings.apply_offline_env()
