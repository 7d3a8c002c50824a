"""Publish to an S3-compatible bucket with boto3 (an optional extra: `pip install 'ssg[s3]'`), SPEC §9.

Objects are compared by MD5: the md5 we store in each object's metadata, else the ETag (the MD5 of a
single-part upload). New and changed assets go up first, then HTML pages, and removed objects are deleted
last, so a failure at any point leaves the bucket serving a complete site.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path
from types import TracebackType
from typing import Any

from ssg.config import S3Target
from ssg.publish.plan import Plan, Progress, PublishError, file_md5, load_output_files

DEFAULT_CACHE_CONTROL = "public, max-age=300"  # SPEC §9
TEXT_EXTENSIONS = {".html", ".htm", ".css", ".js", ".mjs", ".xml", ".json", ".txt", ".svg", ".csv", ".md"}
# Types that Python's built-in table lacks or gets wrong for the web; the system's mime.types is not read,
# so the same site gets the same headers on every machine.
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
    ".ico": "image/x-icon",
}
DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes


def content_type(rel_path: str) -> str:
    """The Content-Type of a file by its name; text types in UTF-8, feeds as Atom (SPEC §6)."""
    suffix = Path(rel_path).suffix.lower()
    if rel_path.rsplit("/", 1)[-1] == "feed.xml" or suffix == ".atom":
        kind = "application/atom+xml"
    else:
        kind = CONTENT_TYPES.get(suffix) or mimetypes.MimeTypes().guess_type(rel_path)[0]
        kind = kind or "application/octet-stream"
    return f"{kind}; charset=utf-8" if suffix in TEXT_EXTENSIONS or suffix == ".atom" else kind


def cache_control(rel_path: str, rules: tuple[tuple[str, str], ...]) -> str:
    """The header of the first glob matching the path (`*` also matches '/'), else the default."""
    for glob, header in rules:
        if fnmatchcase(rel_path, glob.lstrip("/")):
            return header
    return DEFAULT_CACHE_CONTROL


def upload_order(rel_path: str) -> tuple[int, str]:
    """Assets, then pages, then feeds and sitemaps: nothing goes up before what it references."""
    suffix = Path(rel_path).suffix.lower()
    return ({".html": 1, ".htm": 1, ".xml": 2}.get(suffix, 0), rel_path)


class S3Publisher:
    """One publish to one bucket and prefix."""

    def __init__(self, target: S3Target, output_dir: Path, keep_removed: bool = False):
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:
            raise PublishError("the s3 target needs boto3: pip install 'ssg[s3]'") from exc
        self.target = target
        self.keep_removed = keep_removed
        endpoint = f" at {target.endpoint_url}" if target.endpoint_url else ""
        self.where = f"bucket '{target.bucket}'{endpoint}"
        self.files = load_output_files(output_dir)
        self.md5s: dict[str, str] = {}
        config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=60)
        with self.errors():
            self.client: Any = boto3.session.Session().client(
                "s3", region_name=target.region, endpoint_url=target.endpoint_url, config=config
            )

    def __enter__(self) -> S3Publisher:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        pass

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn botocore's errors into one-line PublishErrors naming the bucket and endpoint."""
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            yield
        except NoCredentialsError as exc:
            raise PublishError(
                f"s3 target '{self.target.name}': no credentials found "
                "(set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
            ) from exc
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", "?"), error.get("Message", "")
            if code in ("NoSuchBucket", "404", "NotFound"):
                reason = f"{self.where} does not exist"
            elif code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403", "Forbidden"):
                reason = f"{self.where} refused access ({code}: {message or 'check the credentials'})"
            else:
                reason = f"{self.where}: {code}: {message}"
            raise PublishError(f"s3 target '{self.target.name}': {reason}") from exc
        except BotoCoreError as exc:
            raise PublishError(f"s3 target '{self.target.name}': cannot reach {self.where}: {exc}") from exc

    def remote_objects(self) -> dict[str, dict[str, Any]]:
        """The objects under the prefix, keyed by rel_path (folder markers ending in '/' are left alone)."""
        objects = {}
        prefix = self.target.prefix
        with self.errors():
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.target.bucket, Prefix=prefix):
                for entry in page.get("Contents", ()):
                    if not entry["Key"].endswith("/"):
                        objects[entry["Key"][len(prefix) :]] = entry
        return objects

    def same(self, rel_path: str, remote: dict[str, Any]) -> bool:
        """Whether the object holds the local file: by a plain-MD5 ETag, else our md5 metadata."""
        md5 = self.md5s[rel_path]
        if remote.get("ETag", "").strip('"') == md5:
            return True
        if remote.get("Size") != self.files[rel_path].stat().st_size:
            return False
        with self.errors():  # multipart or encrypted: the ETag is no MD5, ask for the one we stored
            head = self.client.head_object(Bucket=self.target.bucket, Key=self.target.prefix + rel_path)
        return head.get("Metadata", {}).get("md5") == md5

    def plan(self) -> Plan:
        remote = self.remote_objects()
        self.md5s = {rel_path: file_md5(path) for rel_path, path in self.files.items()}
        uploads = tuple(p for p in self.files if p not in remote)
        changes = tuple(p for p in self.files if p in remote and not self.same(p, remote[p]))
        # SPEC §9: --keep-removed leaves removed files in place, so the plan has nothing to delete.
        deletions = () if self.keep_removed else tuple(sorted(p for p in remote if p not in self.files))
        return Plan(uploads, changes, deletions, len(self.files) - len(uploads) - len(changes))

    def apply(self, plan: Plan, progress: Progress | None) -> tuple[int, int]:
        """Upload (assets, then pages), then delete; stops at the first error, before any deletion."""
        sent = sorted(plan.uploads + plan.changes, key=upload_order)
        size = 0
        for count, rel_path in enumerate(sent, start=1):
            size += self.put(rel_path)
            if progress:
                progress(count, len(sent))
        self.delete(plan.deletions)
        return len(sent), size

    def put(self, rel_path: str) -> int:
        path = self.files[rel_path]
        md5 = self.md5s.get(rel_path) or file_md5(path)
        with self.errors(), path.open("rb") as body:
            self.client.put_object(
                Bucket=self.target.bucket,
                Key=self.target.prefix + rel_path,
                Body=body,
                ContentType=content_type(rel_path),
                CacheControl=cache_control(rel_path, self.target.cache_control),
                ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode("ascii"),
                Metadata={"md5": md5},
            )
        return path.stat().st_size

    def delete(self, rel_paths: tuple[str, ...]) -> None:
        for start in range(0, len(rel_paths), DELETE_BATCH):
            keys = [{"Key": self.target.prefix + p} for p in rel_paths[start : start + DELETE_BATCH]]
            with self.errors():
                response = self.client.delete_objects(
                    Bucket=self.target.bucket, Delete={"Objects": keys, "Quiet": True}
                )
            failed = response.get("Errors", [])
            if failed:
                first = failed[0]
                raise PublishError(
                    f"s3 target '{self.target.name}': {self.where} refused to delete {len(failed)} "
                    f"object(s), first '{first.get('Key')}': {first.get('Code')} {first.get('Message', '')}"
                )
