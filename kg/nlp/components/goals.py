"""kg_goals: goal spans (SCHEMA.md section 2) with their fields, learned where the gold allows.

Four learned parts, each fed by what the rules know (kg.nlp.components.goal_rules):
- where a goal is: a character CRF over the paragraph, with the rules' goal spans, the
  quantities, dates and clause cues as features (a span it finds that coordinates several
  targets is one goal per target: `split_targets`);
- a vetting of the rules' goals where the tagger found none: kept when a classifier over the
  rule, what it read and the cue words says so (it learns on every rule goal of the training
  text, so it is applied with a threshold above the middle, `rule_threshold`);
- its `status`: the heading above it where one states it (2025年工作打算), else planned for a plan's
  target (`plan_target`), else a classifier over the goal's place in the document (goal_context),
  read together with the paragraph's other goals;
- its `year`: a scorer over the years the text offers, the best one wins.
Comparator, value, unit and metric are read by the rules from the span.  Untrained, the rules
alone find the goals and give every field.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, replace
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example

from kg.ingest.structure import sentence_at, split_sentences
from kg.nlp.components.char_features import add_spans, char_window
from kg.nlp.components.classifier import FeatureClassifier
from kg.nlp.components.extensions import GOALS_KEY, model_text, split_tokens_at, token_offsets
from kg.nlp.components.goal_context import (
    BASE_ONLY,
    plan_target,
    stated_status,
    status_features,
    year_candidates,
)
from kg.nlp.components.goal_rules import (
    clause_spans,
    find_goals,
    find_goals_by_rule,
    parse_span,
    split_targets,
)
from kg.nlp.components.sequence import SequenceModel, bioes
from kg.nlp.evaluate import GOAL_IOU, overlap
from kg.records import Goal
from kg.schema import GOAL, GoalStatus
from kg.zh.dates import find_dates
from kg.zh.numbers import find_quantities

# Words of a clause that make it a target or a result, or only an activity or a baseline.
CLAUSE_CUES = ("达到", "不少于", "不低于", "以上", "突破", "超过", "提高到", "增至", "新增", "新建", "建成", "完成", "实现",
               "累计", "共", "已", "将", "力争", "确保", "争取", "全覆盖", "创成", "获", "入选", "评为", "开展", "召开",
               "举办", "组织", "现有", "共有", "拥有", "目前", "投入", "培训", "覆盖", "率", "%", "第一", "前列", "领先")
DUE, NOT_DUE = "due", "not due"  # the year scorer's classes: is a year the text offers the goal's year
NOT_GOAL = "not a goal"  # beside GOAL, the classes of the vetting of the rules' goals
LEAD_CUES = ("已", "累计", "将", "力争", "确保", "到", "目前", "现有", "共有", "开展", "召开", "组织")


class GoalTagger(Pipe):
    """Goal spans from a character CRF over the rules' goals and clause cues; status and year from
    classifiers over the goal's place in its document (see module doc)."""

    MODEL_FILE = "goals.crfsuite"
    STATUS_FILE = "status.json"
    YEAR_FILE = "year.json"
    VETTING_FILE = "rule_goals.json"

    def __init__(self, nlp: Language, name: str, *, c1: float, c2: float, max_iterations: int,
                 rule_threshold: float, status_c: float):
        self.name = name
        self.model = SequenceModel(c1, c2, max_iterations)
        self.rule_threshold = rule_threshold
        self.status_c = status_c
        self.status = FeatureClassifier()
        self.year = FeatureClassifier()
        self.vetting = FeatureClassifier()  # is a goal the rules found (and the tagger did not) a goal?

    def __call__(self, doc: Doc) -> Doc:
        text, context = model_text(doc), doc._.context or {}
        if context.get("metadata"):
            found = []  # a website line (title, 发布时间…) states no goal
        elif self.model.trained:
            found = self.predict(text, context, token_offsets(doc))
        else:
            found = find_goals(text, context)
        split_tokens_at(doc, (x for g in found for x in (g.start, g.end)))
        spans: list[Span] = []
        for goal in found:
            span = doc.char_span(goal.start, goal.end, label=GOAL)
            if span is not None:
                span._.goal = asdict(goal)
                span._.confidence = goal.confidence
                spans.append(span)
        doc.spans[GOALS_KEY] = spans
        return doc

    def predict(self, text: str, context: dict, tokens: list[list[int]]) -> list[Goal]:
        sentences = split_sentences(text)
        by_rule = find_goals_by_rule(text, context)
        found = [parse_span(text, start, end, context, t.confidence)
                 for t in self.model.tag(self.features(text, context, by_rule, tokens))
                 for start, end in split_targets(text, t.start, t.end)]
        taken = {i for g in found for i in range(g.start, g.end)}
        for rule, goal in by_rule:  # a goal the rules found where the tagger found none, if it passes
            if taken.isdisjoint(range(goal.start, goal.end)) and self.vetting.trained:
                neighbours = [(g.start, g.end, g.unit) for g in found]
                p = self.vetting.probability(rule_goal_features(text, sentences, rule, goal, context, neighbours), GOAL)
                if p >= self.rule_threshold:
                    found.append(replace(goal, confidence=round(p, 3)))
        found.sort(key=lambda g: g.start)
        stated = stated_status(context)
        if stated:
            for goal in found:
                goal.status = stated
        elif self.status.trained:
            free = []  # the goals the classifier decides: not a plan's targets
            for goal in found:
                if plan_target(text, sentences, goal.start, context):
                    goal.status = GoalStatus.PLANNED
                else:
                    free.append(goal)
            achieved = [self.status.probability(status_features(text, sentences, g.start, g.end, context),
                                                GoalStatus.ACHIEVED) for g in free]
            for goal, status in zip(free, paragraph_status(achieved)):
                goal.status = status
        for goal in found:
            if self.year.trained:
                goal.year = self.choose_year(text, sentences, goal, context)
        return found

    def choose_year(self, text: str, sentences: list[tuple[int, int]], goal: Goal, context: dict) -> int | None:
        offered = year_candidates(text, sentences, goal.start, goal.end, context, goal.status)
        candidates = {y: f for y, f in offered.items() if BASE_ONLY not in f} or offered
        return max(candidates, key=lambda y: (self.year.probability(candidates[y], DUE), -abs(y - (goal.year or y))),
                   default=None)

    def features(self, text: str, context: dict, by_rule: list[tuple[str, Goal]], tokens: list[list[int]]
                 ) -> list[list[str]]:
        """The character window, where the segmenter's words start and end (goals start and end at
        words: the marks raised goal F1 by 0.002 to 0.014 under three fold seeds), the quantities, the
        dates, the rules' goals and the cue words of the clause."""
        feats = char_window(text)
        add_spans(feats, ((start, start + length, "") for start, length in tokens), "word")
        add_spans(feats, ((q.start, q.end, f"quantity|{q.unit}") for q in find_quantities(text)), "number")
        add_spans(feats, ((d.start, d.end, "DATE") for d in find_dates(text)), "date")
        add_spans(feats, ((g.start, g.end, rule) for rule, g in by_rule), "rule")
        sentences = split_sentences(text)
        status = f"status={context.get('status')}"
        for start, end in clause_spans(text):
            clause = text[start:end]
            lead = text[sentence_at(sentences, start, len(text))[0]:start]
            marks = [status, *("clause=" + cue for cue in CLAUSE_CUES if cue in clause),
                     *("lead=" + cue for cue in LEAD_CUES if cue in lead)]
            for i in range(start, min(end, len(feats))):
                feats[i] += marks
        return feats

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None) -> None:
        """With gold examples, fit the span tagger, the vetting of the rules' goals, the status
        classifier and the year scorer on their goals; else the rules decide."""
        self.model.from_bytes(b"")
        self.status, self.year, self.vetting = FeatureClassifier(), FeatureClassifier(), FeatureClassifier()
        examples = [eg for eg in (get_examples() if get_examples else [])
                    if not (eg.predicted._.context or {}).get("metadata")]
        if not any(eg.reference.spans.get(GOALS_KEY) for eg in examples):
            return
        sequences: list = []
        status_rows, status_labels, year_rows, year_labels, rule_rows, rule_labels = [], [], [], [], [], []
        for eg in examples:
            text, context = model_text(eg.predicted), eg.predicted._.context or {}
            gold = list(eg.reference.spans.get(GOALS_KEY, []))
            by_rule = find_goals_by_rule(text, context)
            sequences.append((self.features(text, context, by_rule, token_offsets(eg.predicted)),
                              _tags(len(text), [(g.start_char, g.end_char) for g in gold])))
            sentences = split_sentences(text)
            for rule, goal in by_rule:
                rule_rows.append(rule_goal_features(text, sentences, rule, goal, context, [
                    (g.start_char, g.end_char, (g._.goal or {}).get("unit")) for g in gold]))
                rule_labels.append(GOAL if any(overlap(goal.start, goal.end, g.start_char, g.end_char) >= GOAL_IOU
                                               for g in gold) else NOT_GOAL)
            for span in gold:
                fields = span._.goal or {}
                status_rows.append(status_features(text, sentences, span.start_char, span.end_char, context))
                status_labels.append(fields.get("status", GoalStatus.PLANNED))
                for year, row in year_candidates(text, sentences, span.start_char, span.end_char, context,
                                                 fields.get("status", GoalStatus.PLANNED)).items():
                    year_rows.append(row)
                    year_labels.append(DUE if year == fields.get("year") else NOT_DUE)
        self.model.fit(sequences)
        self.status = FeatureClassifier().fit(status_rows, status_labels, c=self.status_c)
        self.year = FeatureClassifier().fit(year_rows, year_labels)
        self.vetting = FeatureClassifier().fit(rule_rows, rule_labels)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        """Exact goal spans (P/R/F as `spans_goals_*`) and, over the goals found exactly, how often
        status and year are right."""
        examples = list(examples)
        scores = Scorer.score_spans(examples, f"spans_{GOALS_KEY}",
                                    getter=lambda doc, attr: doc.spans.get(GOALS_KEY, []), **kwargs)
        for name in ("status", "year"):
            right = total = 0
            for eg in examples:
                gold = {(s.start_char, s.end_char): (s._.goal or {}).get(name)
                        for s in eg.reference.spans.get(GOALS_KEY, [])}
                for span in eg.predicted.spans.get(GOALS_KEY, []):
                    key = (span.start_char, span.end_char)
                    if key in gold:
                        total += 1
                        right += (span._.goal or {}).get(name) == gold[key]
            scores[f"goals_{name}_acc"] = right / total if total else None
        return scores

    def to_bytes(self, *, exclude=()) -> bytes:
        return srsly.msgpack_dumps({"model": self.model.to_bytes(), "status": self.status.to_dict(),
                                    "year": self.year.to_dict(), "vetting": self.vetting.to_dict()})

    def from_bytes(self, data: bytes, *, exclude=()) -> "GoalTagger":
        msg = srsly.msgpack_loads(data)
        self.model.from_bytes(msg["model"])
        self.status, self.year = FeatureClassifier.from_dict(msg["status"]), FeatureClassifier.from_dict(msg["year"])
        self.vetting = FeatureClassifier.from_dict(msg["vetting"])
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.model.trained:
            (path / self.MODEL_FILE).write_bytes(self.model.to_bytes())
        for file, classifier in ((self.STATUS_FILE, self.status), (self.YEAR_FILE, self.year),
                                 (self.VETTING_FILE, self.vetting)):
            if classifier.trained:
                classifier.to_disk(path / file)

    def from_disk(self, path, *, exclude=()) -> "GoalTagger":
        path = Path(path)
        model = path / self.MODEL_FILE
        self.model.from_bytes(model.read_bytes() if model.is_file() else b"")
        self.status = FeatureClassifier.from_disk(path / self.STATUS_FILE)
        self.year = FeatureClassifier.from_disk(path / self.YEAR_FILE)
        self.vetting = FeatureClassifier.from_disk(path / self.VETTING_FILE)
        return self


def rule_goal_features(text: str, sentences: list[tuple[int, int]], rule: str, goal: Goal, context: dict,
                       goals: list[tuple[int, int, str | None]]) -> list[str]:
    """What says whether a goal the rules found is one: the rule, what it read (comparator, unit),
    the cue words in and before it, the paragraph's frame, and whether the item before or after it in
    a list is a goal (`goals`: start, end and unit of the paragraph's goals, the tagger's when
    predicting and the gold's when training) and counts in the same unit (幼儿园49所，小学27所)."""
    span = text[goal.start:goal.end]
    lead = text[sentence_at(sentences, goal.start, len(text))[0]:goal.start]
    beside = [unit for start, end, unit in goals
              if _LIST_GAP.fullmatch(text[end:goal.start] if end <= goal.start else text[goal.end:start])]
    return ["bias", f"rule={rule}", f"comparator={goal.comparator}", f"unit={goal.unit}",
            f"beside_goal={bool(beside)}", f"beside_goal_same_unit={goal.unit in beside}",
            f"status={context.get('status')}", f"kind={context.get('kind')}", f"length={min(len(span) // 4, 6)}",
            *("clause=" + cue for cue in CLAUSE_CUES if cue in span),
            *("lead=" + cue for cue in LEAD_CUES if cue in lead),
            *(f"{rule}|{span[i:i + 2]}" for i in range(len(span) - 1))]


def paragraph_status(achieved: list[float]) -> list[GoalStatus]:
    """The status of each goal of a paragraph, from the probabilities that each is achieved: a goal's
    own log-odds plus the mean of the others'.  A paragraph reports results or sets targets: in the
    gold, 99.5 % of the goals that share a paragraph have the status most of the others have, so
    one goal's cue words should not outvote what its neighbours say."""
    odds = [math.log(max(p, 1e-9) / max(1 - p, 1e-9)) for p in achieved]
    total = sum(odds)
    return [GoalStatus.ACHIEVED if z + ((total - z) / (len(odds) - 1) if len(odds) > 1 else 0) >= 0
            else GoalStatus.PLANNED for z in odds]


_LIST_GAP = re.compile(r"\s*[，,、；;]\s*")  # what stands between two items of a list


def _tags(length: int, spans: list[tuple[int, int]]) -> list[str]:
    return bioes(length, sorted((s, e, GOAL) for s, e in spans))


@Language.factory("kg_goals", assigns=["doc.spans", "span._.goal", "span._.confidence"],
                  default_config={"c1": 0.05, "c2": 0.05, "max_iterations": 150, "rule_threshold": 0.7,
                                  "status_c": 10.0},
                  default_score_weights={f"spans_{GOALS_KEY}_f": 1.0, f"spans_{GOALS_KEY}_p": 0.0,
                                         f"spans_{GOALS_KEY}_r": 0.0, "goals_status_acc": 0.5, "goals_year_acc": 0.5})
def make_goals(nlp: Language, name: str, c1: float, c2: float, max_iterations: int,
               rule_threshold: float, status_c: float) -> GoalTagger:
    return GoalTagger(nlp, name, c1=c1, c2=c2, max_iterations=max_iterations, rule_threshold=rule_threshold,
                      status_c=status_c)
