"""The site model: frozen records built once, read by every template, never recomputed (SPEC §3–§6).

Records are frozen dataclasses without __slots__: they are pickled into the build cache and across worker
processes, and slotted dataclasses pickle through Python-level __getstate__ calls, several times slower."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TypeVar

from ssg.config import SiteConfig, Verdict
from ssg.urls import Urls

Date = dt.date | dt.datetime
R = TypeVar("R")


def fingerprint(*parts: object) -> str:
    """A short digest of the reprs of `parts`: frozen records repr to everything they hold."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def evolve(record: R, **changes: object) -> R:
    """`dataclasses.replace` for these records, without running `__init__` again: a copy of the instance dict
    with the changes (five times faster; a build makes some 40,000 such copies). The records have no
    `__post_init__`; an unknown field name is still an error."""
    unknown = changes.keys() - record.__dataclass_fields__.keys()  # type: ignore[attr-defined]
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {sorted(unknown)[0]!r}")
    copy = object.__new__(type(record))
    copy.__dict__.update(record.__dict__)
    copy.__dict__.update(changes)
    return copy


def day_of(value: Date) -> dt.date:
    """The calendar day of a date or datetime (as written, in its own zone)."""
    return value.date() if isinstance(value, dt.datetime) else value


def sort_key(value: Date) -> str:
    """A string that orders dates and datetimes together: the day, then the time of day when given."""
    return value.isoformat() if isinstance(value, dt.datetime) else value.isoformat() + "T"


@dataclass(frozen=True)
class ActorEntry:
    """An actor as one article declares it in `people` (SPEC §3): what this article says of them."""

    id: str
    name: str | None = None
    role: str | None = None
    aliases: tuple[str, ...] = ()
    type: str | None = None
    wikidata: str | None = None
    image: str | None = None
    url: str | None = None
    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class Evidence:
    """One item of a claim's `evidence` (SPEC §3): a plain URL (its text is the URL) or `{text: ..., url: ...}`."""

    text: str
    url: str | None = None

    @property
    def plain(self) -> bool:
        """Given as a bare URL: the open data keeps it a string."""
        return self.text == self.url


@dataclass(frozen=True)
class Claim:
    """What an actor said (a quote, verbatim) or is reported to have said (a paraphrase)."""

    id: str
    article_key: str  # the article's source rel_path
    article_title: str
    article_path: str  # the article's site path
    speaker_id: str
    about_ids: tuple[str, ...]
    quote: str | None
    text: str | None
    date: Date
    verdict_id: str | None
    review: str | None  # Markdown
    evidence: tuple[Evidence, ...]
    line: int
    review_html: str = ""
    col: int = 1  # where the claim's mapping starts (its `- id:` line)
    appearance: str | None = None  # where the statement was made: a URL (SPEC §3)
    said_in: str | None = None  # where it was made, in words
    reviewed: Date | None = None  # when the verdict was given (parse_claim fills the default: updated, else date)

    @property
    def words(self) -> str:
        return self.quote if self.quote is not None else self.text or ""

    @property
    def sort_key(self) -> str:
        """The claim's date as text that orders dates and datetimes together."""
        return sort_key(self.date)

    @property
    def anchor(self) -> str:
        return f"claim-{self.id}"

    @property
    def path(self) -> str:
        """The site path of the claim's place in its article."""
        return f"{self.article_path}#{self.anchor}"


@dataclass(frozen=True)
class Source:
    name: str | None
    url: str | None


@dataclass(frozen=True)
class Correction:
    """A published correction of an article (SPEC §3), shown dated at its top and on /corrections/."""

    date: Date
    text: str
    line: int = 0


@dataclass(frozen=True)
class Article:
    """One article: front matter validated, body rendered once the Markdown pass has run."""

    key: str  # source rel_path, unique
    slug: str
    title: str
    date: Date
    updated: Date | None
    summary: str | None
    draft: bool
    tags: tuple[str, ...]
    source: Source | None
    people: tuple[ActorEntry, ...]
    claims: tuple[Claim, ...]
    body_line: int  # the Markdown itself is read from the file where it is rendered (pipeline/load.py)
    path: str  # site path from the permalink
    bundle_dir: str | None  # rel_path of a page bundle's folder
    body_utf8: bytes = b""  # the body's HTML (see body_html), kept as UTF-8: 80 MB at 10,000 articles, not 156
    mentions: tuple[str, ...] = ()  # actor ids mentioned in the body, in order of first mention
    marked_claims: frozenset[str] = frozenset()  # claim ids marked in the body
    actor_ids: tuple[str, ...] = ()  # appearances: declared, then mentioned
    fingerprint: str = ""  # digest of everything the article's own data came from (incremental builds)
    complete: bool = True  # False when title or date is missing: checked for errors, never built
    listing_fingerprint: str = ""  # digest of what lists of articles and claims show (not the body)
    broken_claims: tuple[str, ...] = ()  # ids of claims with errors (the build fails; their spans are no errors)
    authors: tuple[str, ...] = ()  # the byline (SPEC §3)
    reviewers: tuple[str, ...] = ()  # who checked the claims
    corrections: tuple[Correction, ...] = ()  # newest first

    @property
    def sort_key(self) -> tuple[str, str]:
        return (sort_key(self.date), self.key)

    @property
    def modified(self) -> Date:
        return self.updated or self.date

    @property
    def body_html(self) -> str:
        return self.body_utf8.decode("utf-8")

    def entry(self, actor_id: str) -> ActorEntry | None:
        return next((p for p in self.people if p.id == actor_id), None)


@dataclass(frozen=True)
class Page:
    """A standalone page from content/pages/<slug>.md."""

    key: str
    slug: str
    title: str
    summary: str | None
    body: str
    body_line: int
    path: str
    weight: int = 0
    draft: bool = False
    body_html: str = ""
    fingerprint: str = ""


@dataclass(frozen=True)
class Profile:
    """content/actors/<id>.md: the fields a profile gives (all win over articles, SPEC §5)."""

    id: str
    key: str
    name: str | None
    type: str | None
    role: str | None
    aliases: tuple[str, ...]
    wikidata: str | None
    image: str | None
    url: str | None
    body: str
    body_line: int
    line: int = 1
    sort_name: str | None = None  # where /actors/ files the actor (SPEC §5)


@dataclass(frozen=True)
class RoleReport:
    """A role as one article reported it (SPEC §5: the actor page lists them by date)."""

    date: Date
    role: str
    article_key: str
    article_title: str
    article_path: str


@dataclass(frozen=True)
class Actor:
    """An actor merged from its profile and every article that declares or mentions it."""

    id: str
    name: str
    type: str  # "person" | "organization"
    role: str | None  # current role
    aliases: tuple[str, ...]
    wikidata: str | None
    image: str | None
    url: str | None
    path: str
    profile_key: str | None = None
    bio: str = ""
    bio_html: str = ""
    roles: tuple[RoleReport, ...] = ()  # oldest first
    article_keys: tuple[str, ...] = ()  # newest first
    claims_by: tuple[Claim, ...] = ()  # newest first
    claims_about: tuple[Claim, ...] = ()
    co_actors: tuple[tuple[str, int], ...] = ()  # (actor id, shared articles), most shared first
    verdict_counts: tuple[tuple[str, int], ...] = ()  # claims by the actor per verdict id, scale order
    fingerprint: str = ""  # digest of the merged fields above the cross-references
    card_fingerprint: str = ""  # the same without the biography and reported roles: what other pages show
    sort_name: str | None = None  # the profile's `sort_name` (SPEC §5)

    @property
    def sort_key(self) -> str:
        """Where /actors/ files the actor: `sort_name`, else people by surname ("Lukashenko, Alexander"),
        organisations by name (SPEC §5, §6)."""
        if self.sort_name:
            return self.sort_name
        words = self.name.split()
        if self.type == "organization" or len(words) < 2:
            return self.name
        return f"{words[-1]}, {' '.join(words[:-1])}"

    @property
    def letter(self) -> str:
        """The letter /actors/ files the actor under: the sort key's first letter, "#" for anything else."""
        first = self.sort_key[:1].upper()
        return first if first.isalpha() else "#"

    @property
    def names(self) -> tuple[str, ...]:
        """The name then every alias: what autolink looks for."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Tag:
    id: str
    path: str
    article_keys: tuple[str, ...]  # newest first


@dataclass(frozen=True)
class Site:
    """Everything the templates read: the linked, frozen model of one build."""

    config: SiteConfig
    urls: Urls
    articles: tuple[Article, ...]  # newest first
    actors: dict[str, Actor]  # A–Z by name
    claims: tuple[Claim, ...]  # newest first by the claim's date
    tags: dict[str, Tag]  # A–Z
    pages: tuple[Page, ...]  # by weight, then title
    articles_by_key: dict[str, Article] = field(default_factory=dict)
    claims_by_verdict: dict[str, tuple[Claim, ...]] = field(default_factory=dict)  # newest first; "" unrated

    def article(self, key: str) -> Article:
        return self.articles_by_key[key]

    def verdict(self, verdict_id: str | None) -> Verdict | None:
        return self.config.verdict(verdict_id) if verdict_id else None
