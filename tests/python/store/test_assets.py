"""The asset store: local folder and S3 (a real S3-protocol server on 127.0.0.1) round trips."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchgen.errors import InvalidSpecError, StoreError
from benchgen.store import LocalAssets, S3Assets, Store, fetch_scenario, open_assets
from benchgen.verify import verify_folder

BENCHGEN = [sys.executable, "-m", "benchgen.cli"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One promoted push_to_goal scenario (seed 7), no Godot scene, no renders."""
    from benchgen.families import get_family
    from benchgen.pipeline import build_scenario

    out = tmp_path_factory.mktemp("built")
    outcome = build_scenario(get_family("push_to_goal"), 7, out_root=out, godot=False)
    assert outcome.status == "promoted", outcome.detail
    assert outcome.folder is not None
    return Path(outcome.folder)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server over HTTP on 127.0.0.1, with test credentials in the environment."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()
            if server._server is not None:
                server._server.server_close()


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    """A new empty bucket on the test server."""
    name = f"bench-{uuid.uuid4().hex[:12]}"
    _client(s3_endpoint).create_bucket(Bucket=name)
    return name


def _client(endpoint: str) -> Any:
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint)


def _keys(endpoint: str, bucket: str) -> list[str]:
    listing = _client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_local_round_trip(scenario: Path, tmp_path: Path) -> None:
    assets = open_assets((tmp_path / "assets").as_uri())
    assert isinstance(assets, LocalAssets)
    uri = assets.put_scenario(scenario)
    assert uri == (tmp_path / "assets" / "push_to_goal" / scenario.name).as_uri()
    assert assets.exists(uri)
    fetched = assets.get_scenario(uri, tmp_path / "fetched")
    assert fetched == tmp_path / "fetched" / "push_to_goal" / scenario.name
    assert _files(fetched) == _files(scenario)
    assert verify_folder(fetched).ok
    assert not [p for p in fetched.parent.iterdir() if p.name.startswith(".")]


def test_local_plain_path_and_missing_scenario(scenario: Path, tmp_path: Path) -> None:
    assets = open_assets(str(tmp_path / "assets"))
    uri = assets.put_scenario(scenario)
    assert assets.put_scenario(scenario) == uri  # uploading again replaces, same URI
    missing = uri.replace(scenario.name, "push_to_goal-999999-000000")
    assert not assets.exists(missing)
    with pytest.raises(StoreError, match=r"no scenario at .*push_to_goal-999999-000000"):
        assets.get_scenario(missing, tmp_path / "fetched")
    with pytest.raises(InvalidSpecError, match="is outside the asset folder"):
        assets.get_scenario((tmp_path / "elsewhere" / "a" / "b").as_uri(), tmp_path / "fetched")


def test_s3_round_trip(scenario: Path, s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    assets = open_assets(f"s3://{bucket}/datasets?endpoint={s3_endpoint}")
    assert isinstance(assets, S3Assets)
    uri = assets.put_scenario(scenario)
    assert uri == f"s3://{bucket}/datasets/push_to_goal/{scenario.name}?endpoint={s3_endpoint}"
    assert assets.exists(uri)
    prefix = f"datasets/push_to_goal/{scenario.name}/"
    assert _keys(s3_endpoint, bucket) == sorted(prefix + rel for rel in _files(scenario))
    fetched = fetch_scenario(uri, tmp_path / "fetched")  # the URI alone names the store
    assert fetched == tmp_path / "fetched" / "push_to_goal" / scenario.name
    assert _files(fetched) == _files(scenario)
    assert verify_folder(fetched).ok


def test_tampered_folder_is_refused_before_upload(
    scenario: Path, s3_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    tampered = tmp_path / "push_to_goal" / scenario.name
    shutil.copytree(scenario, tampered)
    with (tampered / "model.xml").open("a", encoding="utf-8") as fh:
        fh.write("<!-- edited by hand -->\n")
    assets = open_assets(f"s3://{bucket}/datasets?endpoint={s3_endpoint}")
    with pytest.raises(InvalidSpecError, match=r"does not match the sha256 .*\(model\.xml\)"):
        assets.put_scenario(tampered)
    assert _keys(s3_endpoint, bucket) == []


def test_tampered_object_is_refused_on_download(
    scenario: Path, s3_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    assets = open_assets(f"s3://{bucket}?endpoint={s3_endpoint}")
    uri = assets.put_scenario(scenario)
    key = f"push_to_goal/{scenario.name}/script.py"
    _client(s3_endpoint).put_object(Bucket=bucket, Key=key, Body=b"print('not the script')\n")
    with pytest.raises(InvalidSpecError, match=r"does not match the sha256 .*script\.py"):
        assets.get_scenario(uri, tmp_path / "fetched")
    assert list((tmp_path / "fetched" / "push_to_goal").iterdir()) == []


def test_s3_missing_object_and_bucket_are_clear_errors(
    s3_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    assets = open_assets(f"s3://{bucket}/datasets?endpoint={s3_endpoint}")
    missing = f"s3://{bucket}/datasets/push_to_goal/push_to_goal-999999-000000"
    assert not assets.exists(missing)
    with pytest.raises(StoreError, match=r"no scenario at .*scenario\.json does not exist"):
        assets.get_scenario(missing, tmp_path / "fetched")
    with pytest.raises(InvalidSpecError, match="is not in this asset store"):
        assets.get_scenario(f"s3://other/datasets/f/{bucket}", tmp_path / "fetched")
    nobucket = open_assets(f"s3://no-such-bucket-{bucket}?endpoint={s3_endpoint}")
    with pytest.raises(StoreError, match=r"bucket 'no-such-bucket-.*' does not exist"):
        nobucket.get_scenario(f"s3://no-such-bucket-{bucket}/push_to_goal/x", tmp_path)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("ftp://host/x", "scheme 'ftp' is not supported", id="unknown-scheme"),
        pytest.param("s3:///prefix", "needs a bucket", id="no-bucket"),
        pytest.param("s3://b/p?region=eu", r"unknown options \['region'\]", id="unknown-option"),
        pytest.param("file://host/x", "not a local file URL", id="remote-file-url"),
    ],
)
def test_open_assets_refuses_bad_urls(url: str, message: str) -> None:
    with pytest.raises(InvalidSpecError, match=message):
        open_assets(url)


def test_open_assets_reads_the_s3_url() -> None:
    assets = open_assets("s3://bucket/a/b/?endpoint=http://127.0.0.1:9000")
    assert isinstance(assets, S3Assets)
    assert (assets.bucket, assets.prefix, assets.endpoint_url) == (
        "bucket",
        "a/b",
        "http://127.0.0.1:9000",
    )
    assert assets.url == "s3://bucket/a/b?endpoint=http://127.0.0.1:9000"


def test_store_adds_asset_uri_to_an_older_database(tmp_path: Path) -> None:
    db = tmp_path / "benchgen.sqlite"
    with sqlite3.connect(db) as conn:  # the attempts table as it was before asset_uri
        conn.execute(
            "CREATE TABLE attempts (id INTEGER PRIMARY KEY, scenario_id VARCHAR(120), "
            "family VARCHAR(64), seed INTEGER, status VARCHAR(16), reasons JSON, detail TEXT, "
            "folder TEXT, files JSON, stage_seconds JSON, job_id VARCHAR(64), created_at DATETIME)"
        )
        conn.execute(
            "INSERT INTO attempts (scenario_id, family, seed, status, reasons, detail, files, "
            "stage_seconds) VALUES ('s-1', 'push_to_goal', 1, 'promoted', '[]', '', '{}', '{}')"
        )
    conn.close()
    store = Store.in_folder(tmp_path)
    assert store.latest("s-1").asset_uri is None
    store.set_asset_uri("s-1", "file:///assets/push_to_goal/s-1")
    assert store.latest("s-1").asset_uri == "file:///assets/push_to_goal/s-1"
    with pytest.raises(StoreError, match="no attempt of scenario 'nope'"):
        store.set_asset_uri("nope", "file:///x")
    store.close()
    reopened = Store.in_folder(tmp_path)  # the column is there now: opening again is a no-op
    assert reopened.latest("s-1").asset_uri == "file:///assets/push_to_goal/s-1"
    reopened.close()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [*BENCHGEN, *args], capture_output=True, text=True, timeout=300, check=False, env=env
    )


@pytest.mark.slow
def test_cli_generate_with_assets_then_fetch_and_verify(
    s3_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    out, fetched = tmp_path / "out", tmp_path / "fetched"
    url = f"s3://{bucket}/runs?endpoint={s3_endpoint}"
    generated = _run(
        "generate", "-f", "push_to_goal", "-n", "1", "-s", "7", "--no-renders", "-o", str(out),
        "--assets", url,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    assert "1 scenario(s) uploaded" in generated.stdout
    (attempt,) = Store.in_folder(out).attempts(status="promoted")
    uri = attempt.asset_uri
    assert uri is not None and uri.startswith(f"s3://{bucket}/runs/push_to_goal/")
    fetch = _run("fetch", uri, "--out", str(fetched))
    assert fetch.returncode == 0, fetch.stderr
    folder = fetched / "push_to_goal" / attempt.scenario_id
    assert _files(folder) == _files(Path(attempt.folder or ""))
    verified = _run("verify", str(fetched))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1 passed, 0 failed" in verified.stdout


def test_cli_bad_assets_url_is_one_clear_error(tmp_path: Path) -> None:
    result = _run("fetch", "gopher://x/y", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "scheme 'gopher' is not supported" in result.stderr
