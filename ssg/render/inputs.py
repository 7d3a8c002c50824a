"""What each page is made from, as one digest: a page whose digest is unchanged need not be rendered again.

A page's digest combines the digest of its templates (with everything they extend, include or import), the
site-wide parts every page shows (config, the pages in the navigation) and the fingerprints of the model
records the page reads. Keep these in step with the default theme's reads: `tests/e2e/test_incremental.py`
checks that any sequence of edits builds byte-identical output to a clean build. What other themes read of
actors' roles and biographies and of article bodies is found in their templates (`template_digests`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jinja2 import Environment, TemplateNotFound, TemplateSyntaxError, meta, nodes

from ssg.model.link import same_records
from ssg.model.types import Actor, Claim, Site, fingerprint
from ssg.render import PageSpec, feed_articles
from ssg.render.dates import newest

GLOBAL_KINDS = ("actors", "claims", "tags", "sitemap", "data", "verdicts", "corrections", "corrections_feed")


ACTOR_DETAILS = frozenset({"roles", "bio", "bio_html"})  # what the default theme shows only on the actor's page
BODY_FIELDS = frozenset({"body_html", "body_utf8"})  # the default theme shows an article's only on its page, feeds


@dataclass(frozen=True, slots=True)
class TemplateDigests:
    """Each page template's digest, over its source and every template it uses; and which of them read what the
    default theme shows on one page only: actors' reported roles and biographies, articles' bodies."""

    digests: dict[str, str]
    detailed: frozenset[str]  # templates that read the roles or biography of some actor
    others_detailed: frozenset[str]  # ... of an actor other than the page's own `actor`
    body_readers: frozenset[str]  # templates that read an article's body (besides a standalone page's own)

    def reads_details(self, spec: PageSpec) -> bool:
        """Whether the page depends on actors' roles and biographies, beyond what its digest covers anyway."""
        return spec.template in (self.others_detailed if spec.kind == "actor" else self.detailed)


def template_digests(
    env: Environment, names: Iterable[str], references_memo: dict[str, tuple] | None = None
) -> TemplateDigests:
    """Each template's digest over its own source and every template it references, transitively.
    `references_memo` (source -> what it names) spares parsing unchanged templates again."""
    sources: dict[str, str] = {}
    known = references_memo if references_memo is not None else {}
    detailed: set[str] = set()
    others_detailed: set[str] = set()
    body_readers: set[str] = set()

    def closure(name: str, seen: set[str]) -> None:
        if name in seen:
            return
        seen.add(name)
        try:
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        except TemplateNotFound:
            sources[name] = "(missing)"  # rendering reports it, with the template that asked for it
            return
        sources[name] = source
        facts = known.get(source)
        if facts is None:
            try:
                ast = env.parse(source)
            except TemplateSyntaxError:
                return  # rendering reports it at its file and line
            facts = known[source] = (
                [r for r in meta.find_referenced_templates(ast) if r is not None],
                *actor_detail_reads(ast),
                body_reads(ast),
            )
        references, any_details, other_details, bodies = facts
        if bodies:
            body_readers.add(name)
        if any_details:
            detailed.add(name)
        if other_details:
            others_detailed.add(name)
        for ref in references:
            closure(ref, seen)

    digests = {}
    closures = {}
    for name in names:
        seen: set[str] = set()
        closure(name, seen)
        closures[name] = seen
        digests[name] = fingerprint(sorted((n, sources[n]) for n in seen))
    for source in set(known) - set(sources.values()):  # edited since: forget the old text
        del known[source]

    def using(readers: set[str]) -> frozenset[str]:
        """The templates that use (extend, include, import, or are) one of these."""
        return frozenset(name for name, seen in closures.items() if seen & readers)

    return TemplateDigests(digests, using(detailed), using(others_detailed), using(body_readers))


def actor_detail_reads(ast: nodes.Template) -> tuple[bool, bool]:
    """Whether a template may show actors' reported roles or biography (ACTOR_DETAILS): any at all, and any but
    those of the page's own `actor` (the actor page's digest covers those). Pages whose templates read none
    are spared re-rendering when only those change."""
    return field_reads(ast, ACTOR_DETAILS, "actor")


def body_reads(ast: nodes.Template) -> bool:
    """Whether a template may show an article's body (BODY_FIELDS) other than a standalone `page`'s own."""
    return field_reads(ast, BODY_FIELDS, "page")[1]


def field_reads(ast: nodes.Template, fields: frozenset[str], own: str) -> tuple[bool, bool]:
    """Whether a template reads any of these fields: at all, and on anything but the variable `own` (when it is
    never assigned in the template, nor a macro's parameter). An attribute or item of that name counts, and so
    does the name as a string (a filter's `attribute=`, `attr('...')`)."""
    rebinds_own = any(n.name == own and n.ctx in ("store", "param") for n in ast.find_all(nodes.Name))
    own_items: set[int] = set()
    found = False
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if name not in fields:
            continue
        found = True
        if rebinds_own or not (isinstance(node.node, nodes.Name) and node.node.name == own):
            return True, True
        if isinstance(node, nodes.Getitem):
            own_items.add(id(node.arg))
    if any(n.value in fields and id(n) not in own_items for n in ast.find_all(nodes.Const)):
        return True, True
    return found, False


class PageInputs:
    """Computes page digests for one Site; the site-wide parts are computed once."""

    def __init__(self, site: Site, templates: TemplateDigests, memo: dict | None = None):
        self.site = site
        self.templates = templates
        self.memo = memo if memo is not None else {}  # page path -> (base, records, digest, what it reads)
        self.chrome = fingerprint(site.config, [(p.path, p.title, p.weight) for p in site.pages])
        self._everything: dict[tuple[bool, bool], str] = {}

    def everything(self, detailed: bool, bodies: bool) -> str:
        """For pages that list the whole site (claims, actors, tags, sitemap, data): what lists show of every
        article (its body too when the templates show bodies) and of every actor."""
        if (detailed, bodies) not in self._everything:
            site = self.site
            self._everything[detailed, bodies] = fingerprint(
                [(a.listing_fingerprint, a.fingerprint if bodies else "") for a in site.articles],
                [
                    (stamp(a, detailed), len(a.article_keys), len(a.claims_by), len(a.claims_about))
                    for a in site.actors.values()
                ],
            )
        return self._everything[detailed, bodies]

    def actor_stamps(self, actor_ids: Iterable[str], detailed: bool) -> list[str | None]:
        """The fingerprints of these actors' merged records, compared by identity (they are interned): linking
        gives an actor a new record when its lists change, but a page that only names it depends on the merged
        record alone, and on its roles and biography only when its templates read them."""
        actors = self.site.actors
        return [stamp(actors[i], detailed) if i in actors else None for i in actor_ids]

    def actors_of(self, actor_ids: Iterable[str], detailed: bool) -> list[str]:
        actors = self.site.actors
        return [stamp(actors[i], detailed) for i in sorted(set(actor_ids)) if i in actors]

    def claims_actors(self, claims: Iterable[Claim]) -> set[str]:
        ids: set[str] = set()
        for claim in claims:
            ids.add(claim.speaker_id)
            ids.update(claim.about_ids)
        return ids

    def listed(self, keys: Iterable[str], bodies: bool) -> list[tuple[str, int, str]]:
        """What a list item of each article shows (`article_item`): its listing fingerprint (title, date,
        summary, claims...) and its count of actors; its body only when the templates show bodies in lists
        (the default theme does not, so a body edit leaves the lists alone)."""
        articles = map(self.site.article, keys)
        return [(a.listing_fingerprint, len(a.actor_ids), a.fingerprint if bodies else "") for a in articles]

    def digest(self, spec: PageSpec) -> str:
        site = self.site
        template = self.templates.digests.get(spec.template or "", "")
        detailed = self.templates.reads_details(spec)
        bodies = spec.template in self.templates.body_readers
        base = (spec.kind, spec.site_path, spec.number, template, self.chrome)
        kind = spec.kind
        if kind == "article":  # most pages are articles: when their records are the same objects, so is the digest
            article = site.article(spec.key)
            known = self.memo.get(spec.site_path)
            if known is not None and known[1][0] is article:
                actor_ids = known[3]  # what the same article record named last time
            else:
                actor_ids = sorted(set(article.actor_ids) | self.claims_actors(article.claims))
            records = (article, *self.actor_stamps(actor_ids, detailed))
            if known is not None and known[0] == base and same_records(known[1], records):
                return known[2]
            result = fingerprint(base, article.fingerprint, article.actor_ids, self.actors_of(actor_ids, detailed))
            self.memo[spec.site_path] = (base, records, result, actor_ids)
            return result
        if kind == "actor":  # likewise: the actor, the articles its lists show and the actors they name
            actor = site.actors[spec.key]
            known = self.memo.get(spec.site_path)
            if known is not None and known[1][0] is actor:
                article_keys, actor_ids = known[3]
            else:
                article_keys, actor_ids = self.actor_reads(actor)
            records = (actor, *map(site.article, article_keys), None, *self.actor_stamps(actor_ids, detailed))
            if known is not None and known[0] == base and same_records(known[1], records):
                return known[2]
            result = fingerprint(base, *self.actor_inputs(actor, article_keys, actor_ids, detailed, bodies))
            self.memo[spec.site_path] = (base, records, result, (article_keys, actor_ids))
            return result
        if kind in ("actor_feed", "tag_feed", "feed"):
            feed = feed_articles(site, spec)
            # an empty feed (an actor in no article) is dated by the site's newest article (feed.xml)
            dated = None if feed else newest(site.articles)
            return fingerprint(
                base,
                [a.fingerprint for a in feed],
                self.actors_of((i for a in feed for i in a.actor_ids), detailed),
                dated,
            )
        if kind == "home":
            per_page = site.config.articles_per_page
            shown = site.articles[(spec.number - 1) * per_page : spec.number * per_page]
            return fingerprint(base, len(site.articles), self.listed((a.key for a in shown), bodies))
        if kind == "tag":
            return fingerprint(base, self.listed(site.tags[spec.key].article_keys, bodies))
        if kind == "page":
            return fingerprint(base, next(p.fingerprint for p in site.pages if p.key == spec.key))
        if kind in GLOBAL_KINDS:
            return fingerprint(base, spec.key, self.everything(detailed, bodies))
        return fingerprint(base)  # 404, robots: the templates and the site-wide parts only

    def actor_reads(self, actor: Actor) -> tuple[list[str], list[str]]:
        """The articles an actor page lists (its own, those of its claims) and the actors it names."""
        claims = actor.claims_by + actor.claims_about
        article_keys = list(dict.fromkeys([*actor.article_keys, *(c.article_key for c in claims)]))
        actor_ids = sorted(self.claims_actors(claims) | {i for i, _ in actor.co_actors})
        return article_keys, actor_ids

    def actor_inputs(
        self, actor: Actor, article_keys: list[str], actor_ids: list[str], detailed: bool, bodies: bool
    ) -> tuple:
        return (
            actor.fingerprint,  # its own page shows all of it
            actor.article_keys,
            actor.co_actors,
            actor.verdict_counts,
            [(c.article_key, c.id) for c in actor.claims_by],
            [(c.article_key, c.id) for c in actor.claims_about],
            self.listed(article_keys, bodies),
            self.actors_of(actor_ids, detailed),
        )


def stamp(actor: Actor, detailed: bool) -> str:
    """What a page shows of an actor: all of it, or (most pages) all but its reported roles and biography."""
    return actor.fingerprint if detailed else actor.card_fingerprint
