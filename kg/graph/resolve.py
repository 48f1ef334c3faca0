"""Entity resolution: the mentions of all units → one entity per real-world thing.

The same school, office or programme is written many ways (海中 / 海门中学,
区教育局 / 海门区教育体育局, “双减” / 双减, full- and half-width forms), and the
graph must hold it once.  Resolution has two steps:

1. Inside a document, a mention that abbreviates a fuller name of the same label
   in that document is linked to it: a school name without a school head word
   whose characters are an in-order subsequence of a longer school name with the
   same first character (海中 → 海门中学, 实验 → 实验学校; the shortest such name wins),
   a one-character region to the longer region it starts (海 → 海门), and
   区/市/县教育局 to the document's issuing office when the document's region is
   of that level.
2. Across documents, mentions are merged by key: label + normalized name, plus
   the region for School and Office (the document's region, unless the name
   starts with a region).  Regions take a canonical form: 海门 becomes 海门区 when
   the document (else the corpus) writes 海门区 somewhere; 南通市海门区 is 海门区;
   大理州 is 大理白族自治州 when the corpus writes that.

Links and keys are the edges of one networkx graph; every connected component
holds exactly one key and is one entity.  DATE mentions resolve to Year
entities through the date grammar (`kg.zh.dates.date_year`) against the
paragraph's year.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from kg.records import Document, Unit
from kg.schema import NODE_LABEL_OF_MENTION, Label, MentionLabel, entity_id, parse_entity_id, year_id
from kg.zh.dates import date_year
from kg.zh.lexicon import NATIONAL_OFFICES, SCHOOL_HEADS
from kg.zh.regions import REGION_LEVELS, by_place

_SPACE = re.compile(r"\s+")
_QUOTES = dict.fromkeys(map(ord, "“”‘’\"'《》「」『』"))
_VARIANTS = str.maketrans({"○": "〇", "◯": "〇", "•": "·", "・": "·", "‧": "·", "∙": "·"})
_REGION_PART = re.compile(rf".+?[{REGION_LEVELS}]|.+")
_LOCAL_BUREAU = re.compile(r"([区市县])教(?:育|体|育体育|育和体育)局")


def display(text: str) -> str:
    """A name as shown: NFKC (full/half width), no whitespace, one form of 〇 and ·."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).translate(_VARIANTS)


def normalize_name(text: str) -> str:
    """A name as compared: its display form without quotes and title marks."""
    return display(text).translate(_QUOTES)


@dataclass
class Entity:
    """One node of the entity layer; `region` is set for School and Office only."""

    id: str
    label: Label  # an entity node label, or Year
    name: str
    aliases: list[str] = field(default_factory=list)
    region: str = ""
    docs: list[str] = field(default_factory=list)


MentionRef = tuple[str, int, int]  # (doc, para, mention id)


@dataclass
class Resolution:
    entities: dict[str, Entity]
    mentions: dict[MentionRef, str]  # mention → entity id
    issuer: dict[str, str]  # doc id → Office entity id of Document.office
    covers: dict[str, str]  # doc id → Region entity id of Document.region
    unresolved: list[MentionRef]  # DATE mentions without a year (今年 in an undated document)


def _is_full_region(name: str) -> bool:
    return len(name) >= 2 and name[-1] in REGION_LEVELS


def _region_parts(name: str) -> list[str]:
    """南通市海门区 → [南通市, 海门区]; a name that does not split into parts of two or more characters stays whole."""
    parts = _REGION_PART.findall(name)
    return parts if all(len(p) >= 2 for p in parts) else [name]


class _Regions:
    """Canonical region names: 海门 → 海门区 when the document (else the corpus) writes 海门区; an autonomous
    division written by its place and level (大理州) → its official name when the corpus writes that."""

    def __init__(self, documents: list[Document], names: dict[str, dict[str, list[str]]]):
        mentioned = [p for doc in documents for n in names[doc.id]["REGION"] for p in _region_parts(n)]
        mentioned += [p for doc in documents if doc.region for p in _region_parts(normalize_name(doc.region))]
        self.full = {n for n in mentioned if _is_full_region(n)}
        self.bare = {n for n in mentioned if len(n) >= 2 and not _is_full_region(n)}
        self.official = {short: n for n in mentioned if (short := by_place(n))}
        self.by_doc: dict[str, Counter] = {}
        self.corpus: Counter = Counter()
        pattern = (re.compile("(" + "|".join(map(re.escape, sorted(self.bare, key=len, reverse=True)))
                              + f")[{REGION_LEVELS}]") if self.bare else None)
        for doc in documents:
            sources = [normalize_name(s) for s in (doc.region, doc.office, doc.title) if s]
            sources += [n for label in ("REGION", "OFFICE", "SCHOOL") for n in names[doc.id][label]]
            found = Counter(m.group(0) for s in sources for m in pattern.finditer(s)) if pattern else Counter()
            self.by_doc[doc.id] = found
            self.corpus.update(found)
        self.full |= set(self.corpus)

    def canonical(self, name: str, doc: str) -> str:
        part = _region_parts(name)[-1]
        if part in self.official:
            return self.official[part]
        if _is_full_region(part) or part not in self.bare:
            return part
        inner = max((b for b in self.bare if part.endswith(b) and len(part) - len(b) >= 2), key=len, default=None)
        if inner is not None:
            return self.canonical(inner, doc)  # 唐山曹妃甸 is 曹妃甸
        for counts in (self.by_doc.get(doc, Counter()), self.corpus):
            forms = [(n, f) for f, n in counts.items() if f[:-1] == part]
            if forms:
                return max(forms)[1]
        return part

    def split_prefix(self, name: str, doc: str) -> tuple[str | None, str, str | None]:
        """(region, rest, level): 南通市海门区教育体育局 → (海门区, 教育体育局, 区); 海门中学 → (海门区, 海门中学, None).

        A known full region form is stripped when only region-shaped parts (南通市) stand before it."""
        best = None
        for form in sorted(self.full):
            at = name.find(form)
            end = at + len(form)
            if at < 0 or len(name) - end < 2 or (best and end <= best[1]):
                continue
            if at == 0 or all(_is_full_region(p) for p in _region_parts(name[:at])):
                best = (form, end)
        if best is not None:
            return self.official.get(best[0], best[0]), name[best[1]:], best[0][-1]
        base = max((b for b in self.bare if name.startswith(b) and len(name) > len(b)), key=len, default=None)
        if base is not None:
            return self.canonical(base, doc), name, None
        return None, name, None


def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def _abbreviation_target(norm: str, label: str, names: list[str]) -> str | None:
    """The one fuller name in the document `norm` abbreviates, else None."""
    if label == "SCHOOL" and len(norm) >= 2 and not norm.endswith(SCHOOL_HEADS):
        candidates = [n for n in names if len(n) > len(norm) and n[0] == norm[0] and _subsequence(norm, n)]
    elif label == "REGION" and len(norm) == 1:
        candidates = [n for n in names if len(n) > 1 and n[0] == norm]
    else:
        return None
    shortest = [n for n in candidates if len(n) == min(map(len, candidates))] if candidates else []
    return shortest[0] if len(shortest) == 1 else None


class _Resolver:
    def __init__(self, documents: list[Document], units: Iterable[Unit]):
        self.documents = {d.id: d for d in documents}
        self.units = units
        # doc → label → normalized names, in order of first mention
        self.names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.surfaces: dict[tuple, Counter] = defaultdict(Counter)  # local node → display forms
        self.mention_local: dict[MentionRef, tuple] = {}
        self.dates: list[tuple[MentionRef, str, int | None]] = []
        self._read_mentions()
        self.regions = _Regions(documents, self.names)
        self.doc_region = {d.id: self.regions.canonical(normalize_name(d.region), d.id) if d.region else ""
                           for d in documents}

    def _read_mentions(self) -> None:
        para_year = {(d.id, p.para): p.year for d in self.documents.values() for p in d.paragraphs}
        for unit in self.units:
            doc = self.documents.get(unit.doc)
            if doc is None:
                raise ValueError(f"{unit.doc} paragraph {unit.para}: no such document among the inputs")
            for m in unit.entities:
                if m.label not in NODE_LABEL_OF_MENTION:
                    raise ValueError(f"{unit.doc} paragraph {unit.para}: mention {m.id} has unknown label {m.label!r}")
                if not 0 <= m.start < m.end <= len(unit.text):
                    raise ValueError(f"{unit.doc} paragraph {unit.para}: mention {m.id} offsets "
                                     f"{m.start}-{m.end} outside the text ({len(unit.text)} characters)")
                surface = unit.text[m.start:m.end]
                ref = (unit.doc, unit.para, m.id)
                if m.label == MentionLabel.DATE:
                    self.dates.append((ref, surface, para_year.get((unit.doc, unit.para)) or doc.year))
                    continue
                norm = normalize_name(surface)
                local = ("local", unit.doc, m.label, norm)
                if norm not in self.names[unit.doc][m.label]:
                    self.names[unit.doc][m.label].append(norm)
                self.surfaces[local][display(surface)] += 1
                self.mention_local[ref] = local

    def key(self, label: str, norm: str, doc: str) -> str:
        node_label = NODE_LABEL_OF_MENTION[label]
        if node_label == Label.REGION:
            return entity_id(node_label, self.regions.canonical(norm, doc))
        if node_label not in (Label.SCHOOL, Label.OFFICE):
            return entity_id(node_label, norm)
        if node_label == Label.OFFICE and norm in NATIONAL_OFFICES:
            return entity_id(node_label, norm, region="")
        region, rest, level = self.regions.split_prefix(norm, doc)
        region = region if region is not None else self.doc_region[doc]
        region_level = region[-1:] if _is_full_region(region) else ""
        if node_label == Label.SCHOOL:
            if region_level and rest.startswith(region_level) and len(rest) >= 3:
                rest = rest[1:]  # 区职教中心 = 职教中心 of the 区
        else:
            if level and not rest.startswith(level):
                rest = level + rest  # 海门区教育体育局 → 区教育体育局, as 区教育局 is written locally
            if rest.endswith("部门") and len(rest) >= 4:
                rest = rest[:-2]  # 人社部门 = 人社
        return entity_id(node_label, rest, region)

    def _bureau_link(self, norm: str, doc: Document) -> str | None:
        """区/市/县教育局 in a document of that level is the document's issuing office."""
        m = _LOCAL_BUREAU.fullmatch(norm)
        if m and doc.office and self.doc_region[doc.id].endswith(m.group(1)):
            return self.key("OFFICE", normalize_name(doc.office), doc.id)
        return None

    def resolve(self) -> Resolution:
        links = nx.Graph()
        direct: set[tuple] = set()  # local nodes tied to their own key (not abbreviations)
        for local in self.surfaces:
            _, doc_id, label, norm = local
            doc = self.documents[doc_id]
            target = _abbreviation_target(norm, label, self.names[doc_id][label])
            bureau = self._bureau_link(norm, doc) if label == "OFFICE" else None
            if target is not None:
                links.add_edge(local, ("local", doc_id, label, target))
            elif bureau is not None:
                links.add_edge(local, ("key", bureau))
            else:
                links.add_edge(local, ("key", self.key(label, norm, doc_id)))
                direct.add(local)
        issuer, covers = {}, {}
        for doc in self.documents.values():
            if doc.office:
                meta = ("meta", doc.id, "office", display(doc.office))
                issuer[doc.id] = self.key("OFFICE", normalize_name(doc.office), doc.id)
                links.add_edge(meta, ("key", issuer[doc.id]))
                direct.add(meta)
            if doc.region:
                covers[doc.id] = entity_id(Label.REGION, self.doc_region[doc.id])
                links.add_edge(("meta", doc.id, "region", display(doc.region)), ("key", covers[doc.id]))

        entities: dict[str, Entity] = {}
        local_entity: dict[tuple, str] = {}
        for component in nx.connected_components(links):
            keys = [n[1] for n in component if n[0] == "key"]
            assert len(keys) == 1, f"alias component with keys {keys}"  # every node links to one key or one name
            entities[keys[0]] = self._entity(keys[0], component, direct)
            local_entity.update((n, keys[0]) for n in component)

        mentions = {ref: local_entity[local] for ref, local in self.mention_local.items()}
        unresolved = []
        for ref, surface, context_year in self.dates:
            year = date_year(display(surface), context_year)
            if year is None:
                unresolved.append(ref)
                continue
            entity = entities.setdefault(year_id(year), Entity(year_id(year), Label.YEAR, str(year)))
            if display(surface) != entity.name and display(surface) not in entity.aliases:
                entity.aliases = sorted([*entity.aliases, display(surface)])
            if ref[0] not in entity.docs:
                entity.docs = sorted([*entity.docs, ref[0]])
            mentions[ref] = entity.id
        return Resolution(entities, mentions, issuer, covers, unresolved)

    def _entity(self, key: str, component: set, direct: set) -> Entity:
        label, key_name, region = parse_entity_id(key)
        forms: Counter = Counter()
        own: Counter = Counter()  # forms of mentions that name the key itself, not abbreviations
        for node in component:
            if node[0] == "local":
                forms.update(self.surfaces[node])
                if node in direct:
                    own.update(self.surfaces[node])
            elif node[0] == "meta":
                forms[node[3]] += 1
                if node in direct:
                    own[node[3]] += 1
        if label == Label.REGION:
            name = key_name
        else:
            name = max(own or forms, key=lambda f: ((own or forms)[f], len(f), f))
        docs = sorted({n[1] for n in component if n[0] in ("local", "meta")})
        return Entity(key, label, name, sorted(set(forms) - {name}), region or "", docs)


def resolve(documents: Iterable[Document], units: Iterable[Unit]) -> Resolution:
    """Resolve every mention of `units` (paragraphs of `documents`, read once) to an entity."""
    return _Resolver(list(documents), units).resolve()
