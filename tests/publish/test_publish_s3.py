"""Publishing to S3 against moto's real server on loopback: HTTP all the way, no mocks (SPEC §9)."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import sys
from pathlib import Path
from typing import Any

import pytest

from ssg.config import S3Target
from ssg.publish import PublishError, format_plan, publish
from tests.publish.conftest import OUTPUT_FILES, rebuild
from tests.publish.s3_server import MotoServer, Proxy, free_port

boto3 = pytest.importorskip("boto3")
if importlib.util.find_spec("moto") is None:
    pytest.skip("needs moto[server]", allow_module_level=True)

CACHE_RULES = (("static/*", "public, max-age=86400"), ("*.xml", "public, max-age=600"))
BUCKET_NUMBERS = itertools.count()


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory):
    server = MotoServer(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials in the environment; the user's AWS config stays out."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def bucket(moto: MotoServer) -> str:
    name = f"site-{next(BUCKET_NUMBERS)}"
    client(moto.url).create_bucket(Bucket=name)
    return name


def client(endpoint_url: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint_url, region_name="us-east-1")


def objects(endpoint_url: str, bucket: str) -> dict[str, bytes]:
    s3 = client(endpoint_url)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def target_for(bucket: str, endpoint_url: str, prefix: str = "") -> S3Target:
    return S3Target("bucket", bucket, prefix=prefix, endpoint_url=endpoint_url, cache_control=CACHE_RULES)


def test_first_publish_uploads_every_file_with_its_headers(output_dir, moto, bucket):
    client(moto.url).put_object(Bucket=bucket, Key="elsewhere/keep.txt", Body=b"not ours")
    progress: list[tuple[int, int]] = []

    summary = publish(target_for(bucket, moto.url, "site/"), output_dir, progress=lambda *s: progress.append(s))

    assert objects(moto.url, bucket) == {
        "elsewhere/keep.txt": b"not ours",
        **{f"site/{k}": v for k, v in OUTPUT_FILES.items()},
    }
    assert summary.files_sent == len(OUTPUT_FILES) == len(progress)
    assert summary.bytes_sent == sum(len(c) for c in OUTPUT_FILES.values())
    expected = {
        "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "articles/talks/index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "static/style.css": ("text/css; charset=utf-8", "public, max-age=86400"),
        "static/app.js": ("text/javascript; charset=utf-8", "public, max-age=86400"),
        "static/img/logo.png": ("image/png", "public, max-age=86400"),
        "feed.xml": ("application/atom+xml; charset=utf-8", "public, max-age=600"),
        "_private/keep.txt": ("text/plain; charset=utf-8", "public, max-age=300"),
    }
    s3 = client(moto.url)
    for rel_path, (content_type, cache_control) in expected.items():
        head = s3.head_object(Bucket=bucket, Key=f"site/{rel_path}")
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control), rel_path
        assert head["Metadata"]["md5"] == hashlib.md5(OUTPUT_FILES[rel_path]).hexdigest()


def test_assets_go_up_before_pages_and_feeds_last(output_dir, moto, bucket):
    moto.start_recording()
    publish(target_for(bucket, moto.url), output_dir)
    puts = [path for method, path in moto.recorded() if method == "PUT"]

    pages = [i for i, path in enumerate(puts) if path.endswith(".html")]
    feeds = [i for i, path in enumerate(puts) if path.endswith(".xml")]
    assets = [i for i in range(len(puts)) if i not in pages + feeds]
    assert len(puts) == len(OUTPUT_FILES)
    assert max(assets) < min(pages)
    assert max(pages) < min(feeds)


def test_only_the_changed_file_is_put_and_the_removed_one_deleted(output_dir, moto, bucket):
    target = target_for(bucket, moto.url)
    publish(target, output_dir)
    rebuild(output_dir, changed={"static/style.css": b"body { color: red; }\n"}, removed=("404.html",))
    moto.start_recording()

    summary = publish(target, output_dir)

    requests = moto.recorded()
    assert [path for method, path in requests if method == "PUT"] == [f"/{bucket}/static/style.css"]
    assert (summary.plan.changes, summary.plan.deletions) == (("static/style.css",), ("404.html",))
    assert summary.plan.unchanged == len(OUTPUT_FILES) - 2
    assert summary.files_sent == 1
    assert objects(moto.url, bucket) == {k: v for k, v in OUTPUT_FILES.items() if k != "404.html"} | {
        "static/style.css": b"body { color: red; }\n"
    }


def test_keep_removed_keeps_objects_the_site_no_longer_has(output_dir, moto, bucket):
    target = target_for(bucket, moto.url)
    publish(target, output_dir)
    rebuild(output_dir, removed=("feed.xml",))

    summary = publish(target, output_dir, keep_removed=True)

    assert summary.plan.deletions == ()
    assert objects(moto.url, bucket) == OUTPUT_FILES


def test_dry_run_lists_the_plan_and_changes_nothing(output_dir, moto, bucket):
    target = target_for(bucket, moto.url)
    publish(target, output_dir)
    new = {"index.html": b"new", "articles/new/index.html": b"new"}
    rebuild(output_dir, changed=new, removed=("feed.xml",))
    s3 = client(moto.url)
    before = {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    moto.start_recording()

    summary = publish(target, output_dir, dry_run=True)

    assert {method for method, _ in moto.recorded()} <= {"GET", "HEAD"}
    assert format_plan(summary.plan) == ["+ articles/new/index.html", "~ index.html", "- feed.xml"]
    assert {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]} == before


def test_multipart_objects_compare_by_the_stored_md5(output_dir, moto, bucket):
    s3 = client(moto.url)
    same_size = b"x" * len(OUTPUT_FILES["404.html"])
    for rel_path, content in (("index.html", OUTPUT_FILES["index.html"]), ("404.html", same_size)):
        upload = s3.create_multipart_upload(
            Bucket=bucket, Key=rel_path, Metadata={"md5": hashlib.md5(content).hexdigest()}
        )
        upload_id = upload["UploadId"]
        part = s3.upload_part(Bucket=bucket, Key=rel_path, UploadId=upload_id, PartNumber=1, Body=content)
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key=rel_path,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
        )
        assert "-" in s3.head_object(Bucket=bucket, Key=rel_path)["ETag"]

    summary = publish(target_for(bucket, moto.url), output_dir, dry_run=True)

    # same size, different content, not a plain-MD5 ETag: only the stored md5 tells them apart
    assert "index.html" not in summary.plan.changes + summary.plan.uploads
    assert summary.plan.changes == ("404.html",)


def test_interrupted_upload_leaves_the_old_site_complete(output_dir, moto, bucket):
    publish(target_for(bucket, moto.url), output_dir)
    rebuild(
        output_dir,
        changed={
            "static/style.css": b"body { color: red; }\n",
            "index.html": b"new home",
            "new/index.html": b"x",
        },
        removed=("feed.xml",),
    )
    proxy = Proxy(moto.port)
    sent: list[int] = []

    def cut_after_first_file(done: int, total: int) -> None:
        sent.append(done)
        proxy.cut()

    with pytest.raises(PublishError, match=f"bucket '{bucket}'"):
        publish(target_for(bucket, proxy.url), output_dir, progress=cut_after_first_file)

    assert sent == [1]
    remote = objects(moto.url, bucket)
    assert set(OUTPUT_FILES) <= set(remote)  # nothing deleted
    assert remote["index.html"] == OUTPUT_FILES["index.html"]  # pages still the old, complete site
    assert remote["feed.xml"] == OUTPUT_FILES["feed.xml"]
    assert "new/index.html" not in remote


def test_unreachable_endpoint_is_a_publish_error(output_dir):
    endpoint = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(PublishError, match=f"cannot reach bucket 'site' at {endpoint}"):
        publish(target_for("site", endpoint), output_dir)


def test_missing_bucket_is_a_publish_error(output_dir, moto):
    with pytest.raises(PublishError, match=r"bucket 'no-such-bucket' .*does not exist"):
        publish(target_for("no-such-bucket", moto.url), output_dir)


def test_missing_boto3_says_how_to_install_it(output_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)

    with pytest.raises(PublishError, match=r"pip install 'ssg\[s3\]'"):
        publish(target_for("site", "http://127.0.0.1:1"), output_dir)
