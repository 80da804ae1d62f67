"""Asset store: promoted scenario folders kept in a local folder or an S3-compatible bucket.

Assets live in a local folder by default, S3-compatible storage by URL: the generator
spec (§4.3, docs/architecture.md#where-the-seeds-terms-map) keeps final scripts, MJCFs
and renders in S3, tracked in the DB.
A scenario is stored under ``<prefix>/<family>/<id>/`` with every file of its folder, and
named by its base URI (``file:///root/<family>/<id>`` or ``s3://bucket/prefix/<family>/<id>``).

Uploads refuse a folder whose files do not match the sha256 in its scenario.json, and
downloads check the same before the folder appears under its final name, so a scenario
is never stored or fetched half-written or altered.
"""

from __future__ import annotations

import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from benchgen.errors import InvalidSpecError, OutputError, StoreError, UnsafeFileError
from benchgen.extras import require
from benchgen.spec.folder import hash_mismatches, publish, regular_files, staging
from benchgen.spec.io import load_spec

if TYPE_CHECKING:
    from benchgen.spec.models import ScenarioSpec

__all__ = ["AssetStore", "LocalAssets", "S3Assets", "fetch_scenario", "open_assets"]

_SPEC = "scenario.json"
_URL_FORMS = "a folder path, file:///abs/folder or s3://bucket/prefix[?endpoint=http://host:port]"


class AssetStore(ABC):
    """Where promoted scenario folders are kept; a scenario is named by its base URI."""

    url: str

    def put_scenario(self, folder: Path) -> str:
        """Upload every file of a promoted scenario folder.

        Args:
            folder: a scenario folder (``<family>/<id>/`` holding scenario.json).

        Returns:
            The scenario's base URI, which :meth:`get_scenario` and ``benchgen fetch`` accept.

        Raises:
            InvalidSpecError: scenario.json is invalid, or a file differs from its sha256.
            StoreError: the storage refused the upload.
        """
        spec = _checked_spec(folder)
        files = [rel for rel in regular_files(folder) if rel != _SPEC]
        uri = self._scenario_uri(spec.family, spec.id)
        self._upload(folder, [*files, _SPEC], uri)  # scenario.json last: it marks completion
        return uri

    def get_scenario(self, uri: str, dest: Path) -> Path:
        """Download a scenario into ``dest/<family>/<id>/``, atomically.

        Args:
            uri: the base URI :meth:`put_scenario` returned.
            dest: the dataset folder to download into.

        Returns:
            The scenario folder.

        Raises:
            InvalidSpecError: the URI is not one of this store's, or the files fail their hashes.
            StoreError: no scenario at the URI, or the storage refused the download.
            OutputError: ``dest`` cannot be written.
        """
        family, scenario_id = _family_and_id(uri)
        final = dest / family / scenario_id
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {final.parent}: {exc.strerror or exc}") from exc
        try:
            with staging(final) as tmp:
                self._download(uri, tmp)
                spec = _checked_spec(tmp, source=uri)
                if (spec.family, spec.id) != (family, scenario_id):
                    raise InvalidSpecError(
                        f"{uri} holds scenario {spec.family}/{spec.id}, not "
                        f"{family}/{scenario_id}; the object was stored under the wrong name: "
                        "upload it again"
                    )
                publish(tmp, final, replace=True)
        except OSError as exc:
            raise OutputError(f"cannot write {final}: {exc.strerror or exc}") from exc
        return final

    @abstractmethod
    def exists(self, uri: str) -> bool:
        """Return whether a complete scenario (its scenario.json) is stored at ``uri``."""

    @abstractmethod
    def _scenario_uri(self, family: str, scenario_id: str) -> str:
        """Return the base URI of a scenario in this store."""

    @abstractmethod
    def _upload(self, folder: Path, files: list[str], uri: str) -> None:
        """Store ``files`` (paths relative to ``folder``, in order) under ``uri``."""

    @abstractmethod
    def _download(self, uri: str, into: Path) -> None:
        """Copy every file stored under ``uri`` into the new folder ``into``."""


class LocalAssets(AssetStore):
    """Scenario folders under a local root folder: ``<root>/<family>/<id>/``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser().resolve()
        self.url = self.root.as_uri()

    def exists(self, uri: str) -> bool:
        return (self._path(uri) / _SPEC).is_file()

    def _scenario_uri(self, family: str, scenario_id: str) -> str:
        return (self.root / family / scenario_id).as_uri()

    def _upload(self, folder: Path, files: list[str], uri: str) -> None:
        final = self._path(uri)
        try:
            with staging(final) as tmp:
                for rel in files:
                    (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(folder / rel, tmp / rel, follow_symlinks=False)
                publish(tmp, final, replace=True)
        except OSError as exc:
            raise StoreError(f"cannot store {folder} in {self.root}: {exc}") from exc

    def _download(self, uri: str, into: Path) -> None:
        source = self._path(uri)
        if not (source / _SPEC).is_file():
            raise StoreError(
                f"no scenario at {uri}: {source / _SPEC} does not exist; "
                "use a URI printed by `benchgen generate --assets`"
            )
        try:
            shutil.copytree(source, into, symlinks=True, dirs_exist_ok=True)  # links refused later
        except OSError as exc:
            raise StoreError(f"cannot copy {source} to {into}: {exc}") from exc

    def _path(self, uri: str) -> Path:
        """Return the folder a file URI or plain path names, refusing one outside the root."""
        parts = urlsplit(uri)
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
        elif not parts.scheme:
            path = Path(uri).expanduser()
        else:
            raise InvalidSpecError(
                f"{uri!r} is not a local asset URI; expected file:///... under {self.url}"
            )
        path = path.resolve()
        if not path.is_relative_to(self.root):
            raise InvalidSpecError(f"{uri!r} is outside the asset folder {self.root}")
        return path


class S3Assets(AssetStore):
    """Scenario folders in an S3-compatible bucket: ``s3://bucket/<prefix>/<family>/<id>/``.

    Credentials and region come from the usual AWS variables (``AWS_ACCESS_KEY_ID``,
    ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``) or the AWS config files.
    """

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None) -> None:
        if not bucket:
            raise InvalidSpecError(f"an S3 asset URL needs a bucket; use {_URL_FORMS}")
        require("s3", what="an s3:// asset store")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.url = self._uri(self.prefix)
        self._client: Any = None

    def exists(self, uri: str) -> bool:
        from botocore.exceptions import ClientError

        key = f"{self._key(uri)}/{_SPEC}"
        with self._errors(f"look up {uri}"):
            try:
                self.client.head_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if _error_code(exc) in {"404", "NoSuchKey", "NotFound"}:
                    return False
                raise
        return True

    @property
    def client(self) -> Any:
        """The boto3 S3 client, created on first use (importing boto3 costs start-up time)."""
        if self._client is None:
            import boto3
            from botocore.config import Config

            # Path-style addressing: MinIO, moto and most S3-compatible servers on a
            # host:port have no per-bucket DNS names.
            config = Config(s3={"addressing_style": "path"}) if self.endpoint_url else None
            self._client = boto3.session.Session().client(
                "s3", endpoint_url=self.endpoint_url, config=config
            )
        return self._client

    def _scenario_uri(self, family: str, scenario_id: str) -> str:
        return self._uri("/".join(p for p in (self.prefix, family, scenario_id) if p))

    def _upload(self, folder: Path, files: list[str], uri: str) -> None:
        key = self._key(uri)
        with self._errors(f"upload {folder} to {uri}"):
            for rel in files:
                with (folder / rel).open("rb") as body:
                    self.client.put_object(Bucket=self.bucket, Key=f"{key}/{rel}", Body=body)

    def _download(self, uri: str, into: Path) -> None:
        key = self._key(uri)
        with self._errors(f"download {uri}"):
            names = self._list(key)
            if _SPEC not in names:
                raise StoreError(
                    f"no scenario at {uri}: s3://{self.bucket}/{key}/{_SPEC} does not exist; "
                    "use a URI printed by `benchgen generate --assets`"
                )
            for rel in names:
                target = into / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                body = self.client.get_object(Bucket=self.bucket, Key=f"{key}/{rel}")["Body"]
                with body, target.open("wb") as out:
                    shutil.copyfileobj(body, out)

    def _list(self, key: str) -> list[str]:
        """Return the paths, relative to ``key``, of every object under it."""
        names = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{key}/"
        )
        for page in pages:
            for item in page.get("Contents", []):
                rel = item["Key"][len(key) + 1 :]
                if not rel or rel.endswith("/") or ".." in rel.split("/"):
                    continue  # folder markers, and names that would escape the target
                names.append(rel)
        return names

    def _uri(self, key: str) -> str:
        query = f"?endpoint={quote(self.endpoint_url, safe=':/')}" if self.endpoint_url else ""
        return f"s3://{self.bucket}{'/' if key else ''}{key}{query}"

    def _key(self, uri: str) -> str:
        """Return the object key a URI names, refusing another bucket or prefix."""
        parts = urlsplit(uri)
        key = unquote(parts.path).strip("/")
        inside = not self.prefix or key == self.prefix or key.startswith(f"{self.prefix}/")
        if parts.scheme != "s3" or parts.netloc != self.bucket or not inside:
            raise InvalidSpecError(f"{uri!r} is not in this asset store; expected {self.url}/...")
        return key

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn boto errors into a StoreError that says what failed and how to fix it."""
        from botocore.exceptions import BotoCoreError, ClientError

        where = self.endpoint_url or "AWS S3"
        try:
            yield
        except ClientError as exc:
            code = _error_code(exc)
            if code == "NoSuchBucket":
                raise StoreError(
                    f"cannot {action}: the bucket {self.bucket!r} does not exist at {where}; "
                    f"create it first (aws s3 mb s3://{self.bucket})"
                ) from exc
            raise StoreError(f"cannot {action}: {where} answered {code}: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(
                f"cannot {action}: {exc}; check the endpoint ({where}) and the "
                "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_DEFAULT_REGION variables"
            ) from exc


def open_assets(url: str) -> AssetStore:
    """Open the asset store a URL names.

    Args:
        url: a folder path, ``file:///abs/folder``, or
            ``s3://bucket/prefix[?endpoint=http://host:port]`` (endpoint of an
            S3-compatible server; AWS S3 when absent).

    Returns:
        A :class:`LocalAssets` or an :class:`S3Assets`.

    Raises:
        InvalidSpecError: an unknown scheme or a malformed URL.
    """
    parts = urlsplit(url)
    if not parts.scheme:
        return LocalAssets(Path(url))
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or parts.query:
            raise InvalidSpecError(f"{url!r} is not a local file URL; use file:///abs/folder")
        return LocalAssets(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(query) - {"endpoint"})
        if unknown:
            raise InvalidSpecError(
                f"{url!r} has unknown options {unknown}; the only option is "
                "?endpoint=http://host:port (credentials come from AWS_* variables)"
            )
        endpoint = query.get("endpoint", [None])[-1] or None
        return S3Assets(parts.netloc, unquote(parts.path), endpoint_url=endpoint)
    raise InvalidSpecError(
        f"{url!r} is not an asset store URL: scheme {parts.scheme!r} is not supported; "
        f"use {_URL_FORMS}"
    )


def fetch_scenario(uri: str, dest: Path) -> Path:
    """Download the scenario at a base URI into ``dest/<family>/<id>/`` and return it."""
    return open_assets(uri).get_scenario(uri, dest)


def _checked_spec(folder: Path, *, source: str | None = None) -> ScenarioSpec:
    """Load scenario.json and refuse the folder if a file differs from its recorded sha256."""
    spec = load_spec(folder)
    try:
        changed = hash_mismatches(spec, folder)
    except UnsafeFileError as exc:
        raise InvalidSpecError(f"{source or folder} cannot be stored or fetched: {exc}") from exc
    if changed:
        listed = ", ".join(changed[:5]) + (", ..." if len(changed) > 5 else "")
        fix = (
            "the stored copy was altered: upload the scenario again from its dataset folder"
            if source
            else f"the folder was altered: rebuild it with `benchgen generate` or check it "
            f"with `benchgen verify {folder}`"
        )
        raise InvalidSpecError(
            f"{source or folder} does not match the sha256 in its scenario.json ({listed}); {fix}"
        )
    return spec


def _family_and_id(uri: str) -> tuple[str, str]:
    """Return the family and scenario id that end a base URI's path."""
    path = unquote(urlsplit(uri).path) if urlsplit(uri).scheme else uri
    names = [p for p in path.replace("\\", "/").split("/") if p]
    if len(names) < 2 or any(n in (".", "..") or n.startswith(".") for n in names[-2:]):
        raise InvalidSpecError(
            f"{uri!r} does not end in <family>/<scenario id>; "
            "use a URI printed by `benchgen generate --assets`"
        )
    return names[-2], names[-1]


def _error_code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
