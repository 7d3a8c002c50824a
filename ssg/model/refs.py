"""Names and value tokens of model records: what recorded reads are made of (pipeline/reuse/reads.py).

A page's render records which fields of which records it read (render/recording.py). A record is named by a
`Ref`, a small tuple that means the same record in the next build ("article", its key); what a page read of
it is a digest of the `token` of each field it read. A token stands for a value as a page can see it: scalars
as they are, a keyed record by its ref (what the page reads inside it is recorded against that ref), anything
else by its content. So a retitled article changes the token of `article.title`, not that of `site.articles`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from ssg.model.types import Actor, Article, Claim, Page, Site, Tag

Ref = tuple[str, ...]
SITE_REF: Ref = ("site",)

REFS: dict[type, Callable[[Any], Ref]] = {
    Site: lambda site: SITE_REF,
    Article: lambda article: ("article", article.key),
    Actor: lambda actor: ("actor", actor.id),
    Claim: lambda claim: ("claim", claim.article_key, claim.id),
    Tag: lambda tag: ("tag", tag.id),
    Page: lambda page: ("page", page.key),
}
KEYED = frozenset(REFS)  # the record types that have a ref; others are read as part of the record holding them

# Methods of records that templates call, and the fields each reads: a call is recorded as reads of those.
# Look-ups by key read nothing themselves: the record they return is read field by field.
METHOD_READS: dict[tuple[type, str], tuple[str, ...]] = {
    (Article, "entry"): ("people",),
    (Site, "article"): (),
    (Site, "verdict"): (),  # the config: every page depends on it anyway
}

SCALARS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})


def ref_of(record: Any) -> Ref | None:
    make = REFS.get(type(record))
    return make(record) if make is not None else None


def method_reads(record: Any, name: str) -> tuple[str, ...]:
    """The fields a method of a record reads: declared above, else all of them (never too few)."""
    declared = METHOD_READS.get((type(record), name))
    if declared is not None:
        return declared
    return tuple(f.name for f in dataclasses.fields(record))


def token(value: Any) -> Any:
    """What a page can see of a value, as something with a stable repr."""
    kind = type(value)
    if kind in SCALARS:
        return value
    make = REFS.get(kind)
    if make is not None:
        return make(value)
    if kind is tuple or kind is list:
        return tuple(map(token, value))
    if kind is bytes:
        return hashlib.blake2b(value, digest_size=16).digest()
    if kind is dict:
        return tuple((key, token(item)) for key, item in value.items())
    if kind is frozenset or kind is set:
        return tuple(sorted(map(repr, map(token, value))))
    if dataclasses.is_dataclass(value):
        return (kind.__name__, *(token(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if callable(value):
        return "(callable)"
    return repr(value)


def field_token(record: Any, name: str | tuple[str, Any]) -> Any:
    """The token of one field, or of one entry of a mapping field (`("actors", "ada-quill")`)."""
    if isinstance(name, tuple):
        mapping = getattr(record, name[0])
        return token(mapping.get(name[1]))
    value = getattr(record, name, None)
    if callable(value) and getattr(value, "__self__", None) is record:
        return tuple(field_token(record, f) for f in method_reads(record, name))
    return token(value)


def same_field(old: Any, new: Any, name: str | tuple[str, Any]) -> bool:
    """Whether a field (or mapping entry) of two records has the same token, told without making it: the same
    records or refs, equal plain values (a long-lived pipeline skips digesting such fields again). A method:
    not the same (its reads are other fields)."""
    if type(name) is tuple:
        return same_token(getattr(old, name[0]).get(name[1]), getattr(new, name[0]).get(name[1]))
    before, after = getattr(old, name, None), getattr(new, name, None)
    return before is after or (not callable(before) and same_token(before, after))


def same_token(before: Any, after: Any) -> bool:
    """`token(before) == token(after)`, mostly without making them: a record stands as its ref, tuples, lists
    and dicts (in their order, as `token` keeps it) item by item, anything else by equality."""
    if before is after:
        return True
    kind = type(before)
    if kind is not type(after):
        return False
    make = REFS.get(kind)
    if make is not None:
        return make(before) == make(after)
    if kind is tuple or kind is list:
        return len(before) == len(after) and all(map(same_token, before, after))
    if kind is dict:
        return list(before) == list(after) and all(map(same_token, before.values(), after.values()))
    return bool(before == after)


def field_digest(record: Any, name: str | tuple[str, Any]) -> bytes:
    """A short digest of what one field of a record holds. The field's name is not in it: a group's digest
    joins its fields' digests in the group's own order (render/recording.py), which names them. Text is
    digested as itself, anything else as the repr of its token, in two domains (so `"None"` is not `None`)."""
    if type(name) is str:  # the usual case, without the general path's calls: a text or scalar field
        value = getattr(record, name, None)
        kind = type(value)
        if kind is str:
            return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8, person=b"text").digest()
        if kind in SCALARS or (kind is tuple and all(type(item) in SCALARS for item in value)):
            return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    value = field_token(record, name)
    if type(value) is str:
        return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8, person=b"text").digest()
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=8).digest()


class Resolver:
    """Finds the record a ref names in one Site (None when it has none)."""

    def __init__(self, site: Site):
        self.site = site
        self._claims: dict[tuple[str, str], Claim] | None = None
        self._pages: dict[str, Page] | None = None

    def __call__(self, ref: Ref) -> Any:
        kind = ref[0]
        site = self.site
        if kind == "article":
            return site.articles_by_key.get(ref[1])
        if kind == "claim":
            if self._claims is None:
                self._claims = {(c.article_key, c.id): c for a in site.articles for c in a.claims}
            return self._claims.get((ref[1], ref[2]))
        if kind == "actor":
            return site.actors.get(ref[1])
        if kind == "tag":
            return site.tags.get(ref[1])
        if kind == "page":
            if self._pages is None:
                self._pages = {p.key: p for p in site.pages}
            return self._pages.get(ref[1])
        if kind == "site":
            return site
        return None


SITE_DERIVED = frozenset({"claims", "claims_by_verdict", "articles_by_key"})  # made from the records, in order


def versions(site: Site) -> dict[Ref, str]:
    """Every keyed record's version: a digest that changes whenever any field of the record changes, made from
    the fingerprints the model already carries (an article's digests its file and the context its body was
    rendered in, which also made its claims; an actor's its merged fields) and the fields linking adds. A record
    whose version is as at the last build need not have its read groups digested again.

    The site's version leaves out the fields made from the other records (SITE_DERIVED: every claim by date,
    by verdict, the articles by key), which their versions and order decide; a claim's is its article's."""
    found: dict[Ref, str] = {
        SITE_REF: short_digest(
            [(f.name, token(getattr(site, f.name))) for f in dataclasses.fields(site) if f.name not in SITE_DERIVED]
        )
    }
    for article in site.articles:
        version = found[("article", article.key)] = short_digest((article.fingerprint, article.path, article.actor_ids))
        for claim in article.claims:
            found[("claim", article.key, claim.id)] = f"{version}/{claim.id}"
    for actor in site.actors.values():
        found[("actor", actor.id)] = short_digest(
            (
                actor.fingerprint,
                actor.article_keys,
                [(c.article_key, c.id) for c in actor.claims_by],
                [(c.article_key, c.id) for c in actor.claims_about],
                actor.co_actors,
                actor.verdict_counts,
            )
        )
    for tag in site.tags.values():
        found[("tag", tag.id)] = short_digest(tag.article_keys)
    for page in site.pages:
        found[("page", page.key)] = short_digest((page.fingerprint, page.path))
    return found


def short_digest(value: Any) -> str:
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=8).hexdigest()
