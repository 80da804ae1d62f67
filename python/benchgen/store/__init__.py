"""Store stage: the metadata database (SQLite / PostgreSQL) of attempts and jobs."""

from __future__ import annotations

from benchgen.store.db import Attempt, FamilyStats, Job, Store, default_db_url

__all__ = ["Attempt", "FamilyStats", "Job", "Store", "default_db_url"]
