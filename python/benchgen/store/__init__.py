"""Store stage: the metadata database (SQLite / PostgreSQL) and the asset store (folder / S3)."""

from __future__ import annotations

from benchgen.store.assets import (
    AssetStore,
    LocalAssets,
    S3Assets,
    fetch_scenario,
    open_assets,
)
from benchgen.store.db import Attempt, FamilyStats, Job, Store, default_db_url

__all__ = [
    "AssetStore",
    "Attempt",
    "FamilyStats",
    "Job",
    "LocalAssets",
    "S3Assets",
    "Store",
    "default_db_url",
    "fetch_scenario",
    "open_assets",
]
