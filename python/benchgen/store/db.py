"""Metadata store: one row per generation attempt, and the jobs the server runs.

SQLite by default (a file in the output folder), PostgreSQL by URL; every write is one
transaction, so a crash never leaves a half-written row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    String,
    Text,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from benchgen.errors import StoreError
from benchgen.extras import require

__all__ = ["Attempt", "FamilyStats", "Job", "Store", "default_db_url"]

DB_FILENAME = "benchgen.sqlite"


def _now() -> datetime:
    return datetime.now(UTC)


class _Base(DeclarativeBase):
    pass


class Attempt(_Base):
    """One attempt to build a scenario, promoted or rejected."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_id: Mapped[str] = mapped_column(String(120), index=True)
    family: Mapped[str] = mapped_column(String(64), index=True)
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    detail: Mapped[str] = mapped_column(Text, default="")
    folder: Mapped[str | None] = mapped_column(Text, nullable=True)
    files: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    stage_seconds: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    job_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    asset_uri: Mapped[str | None] = mapped_column(Text, nullable=True)


# Columns added after the first release: ``create_all`` creates missing tables but never
# alters an existing one, so an older database gets them with ALTER TABLE on open.
_ADDED_COLUMNS = {"attempts": {"asset_uri": "TEXT"}}


class Job(_Base):
    """A generation or benchmark job started through the server."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )


class FamilyStats(BaseModel):
    """Acceptance of one family, and its most common rejection reasons."""

    family: str
    attempts: int
    promoted: int
    rejected: int
    acceptance: float
    top_reasons: list[tuple[str, int]]


def default_db_url(out: Path) -> str:
    """Return the SQLite URL of the store kept in an output folder."""
    return f"sqlite:///{(out / DB_FILENAME).resolve()}"


class Store:
    """The metadata database (SQLAlchemy): attempts and jobs."""

    def __init__(self, url: str) -> None:
        # A plain postgresql:// URL means SQLAlchemy's psycopg2 driver; benchgen ships psycopg 3.
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        if url.startswith("postgresql+psycopg://"):
            require("postgres", what="a postgresql:// store")
        try:
            self._engine = create_engine(url, future=True)
            self._create_tables()
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open the store at {url}: {exc.__class__.__name__}: {exc}"
            ) from exc
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self.url = url

    def _create_tables(self) -> None:
        """Create missing tables; another process creating them at the same time is fine."""
        try:
            _Base.metadata.create_all(self._engine)
        except OperationalError as exc:
            if "already exists" not in str(exc):
                raise
            _Base.metadata.create_all(self._engine)  # the other process won: now all exist
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Add columns newer than an existing database; another process adding them is fine."""
        for table, columns in _ADDED_COLUMNS.items():
            for name, sql_type in columns.items():
                if self._has_column(table, name):
                    continue
                try:
                    with self._engine.begin() as conn:
                        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}"))
                except (OperationalError, ProgrammingError):
                    if not self._has_column(table, name):  # not a lost race: a real error
                        raise

    def _has_column(self, table: str, name: str) -> bool:
        return any(c["name"] == name for c in inspect(self._engine).get_columns(table))

    @classmethod
    def in_folder(cls, out: Path) -> Store:
        """Open (creating if needed) the SQLite store of an output folder."""
        return cls(default_db_url(out))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session that commits on success and rolls back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise StoreError(f"the store refused a write: {exc}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def record_attempt(self, outcome: BaseModel, *, job_id: str | None = None) -> None:
        """Add one row for a build outcome (:class:`benchgen.pipeline.BuildOutcome`).

        A ``skipped`` outcome (the scenario was complete on disk) adds nothing when a
        promoted row exists, and a promoted row when none does: the folder was published
        by a run killed before it could record it.
        """
        data = outcome.model_dump(mode="json")
        if data["status"] == "skipped":
            latest = self.latest(data["scenario_id"])
            if latest is not None and latest.status == "promoted":
                return
            data["status"] = "promoted"
            data["detail"] = "found complete on disk after an interrupted run"
        with self.session() as s:
            s.add(
                Attempt(
                    scenario_id=data["scenario_id"],
                    family=data["family"],
                    seed=data["seed"],
                    status=data["status"],
                    reasons=data["reasons"],
                    detail=data["detail"],
                    folder=data["folder"],
                    files=data["files"],
                    stage_seconds=data["stage_seconds"],
                    job_id=job_id,
                )
            )

    def set_asset_uri(self, scenario_id: str, uri: str) -> None:
        """Record where the newest attempt of a scenario is stored in the asset store.

        Raises:
            StoreError: no attempt of ``scenario_id`` is recorded.
        """
        query = (
            select(Attempt).where(Attempt.scenario_id == scenario_id).order_by(Attempt.id.desc())
        )
        with self.session() as s:
            attempt = s.scalars(query.limit(1)).first()
            if attempt is None:
                raise StoreError(
                    f"no attempt of scenario {scenario_id!r} is recorded; "
                    "record_attempt() it before setting its asset URI"
                )
            attempt.asset_uri = uri

    def attempts(
        self, *, family: str | None = None, status: str | None = None, job_id: str | None = None
    ) -> list[Attempt]:
        """Return attempts, oldest first, optionally filtered."""
        query = select(Attempt).order_by(Attempt.id)
        if family:
            query = query.where(Attempt.family == family)
        if status:
            query = query.where(Attempt.status == status)
        if job_id:
            query = query.where(Attempt.job_id == job_id)
        with self.session() as s:
            return list(s.scalars(query))

    def latest(self, scenario_id: str) -> Attempt | None:
        """Return the newest attempt of a scenario id."""
        query = (
            select(Attempt).where(Attempt.scenario_id == scenario_id).order_by(Attempt.id.desc())
        )
        with self.session() as s:
            return s.scalars(query.limit(1)).first()

    def stats(self) -> list[FamilyStats]:
        """Return acceptance per family and its top rejection reasons."""
        with self.session() as s:
            rows = s.execute(select(Attempt.family, Attempt.status, Attempt.reasons)).all()
        by_family: dict[str, list[tuple[str, list[str]]]] = {}
        for family, status, reasons in rows:
            by_family.setdefault(family, []).append((status, reasons or []))
        return [_family_stats(f, items) for f, items in sorted(by_family.items())]

    def save_job(self, job: Job) -> None:
        """Insert or update a job row."""
        with self.session() as s:
            s.merge(job)

    def job(self, job_id: str) -> Job | None:
        """Return a job by id."""
        with self.session() as s:
            return s.get(Job, job_id)

    def jobs(self, *, states: Iterable[str] | None = None) -> list[Job]:
        """Return jobs, newest first, optionally only in the given states."""
        query = select(Job).order_by(Job.created_at.desc())
        if states is not None:
            query = query.where(Job.state.in_(list(states)))
        with self.session() as s:
            return list(s.scalars(query))

    def count(self) -> int:
        """Return the number of attempts recorded."""
        with self.session() as s:
            return int(s.scalar(select(func.count(Attempt.id))) or 0)

    def close(self) -> None:
        """Release the connection pool."""
        self._engine.dispose()


def _family_stats(family: str, items: list[tuple[str, list[str]]]) -> FamilyStats:
    counted = [(st, r) for st, r in items if st != "skipped"]
    promoted = sum(1 for st, _ in counted if st == "promoted")
    reasons = Counter(reason for st, rs in counted if st == "rejected" for reason in rs)
    total = len(counted)
    return FamilyStats(
        family=family,
        attempts=total,
        promoted=promoted,
        rejected=total - promoted,
        acceptance=round(promoted / total, 4) if total else 0.0,
        top_reasons=reasons.most_common(5),
    )
