"""kg_goals: goal spans (SCHEMA.md section 2) with their fields, learned where the gold allows.

Three learned parts, each fed by what the rules know (kg.components.goal_rules):
- where a goal is: a character CRF over the paragraph, with the rules' goal spans, the
  quantities, dates and clause cues as features;
- its `status`: a classifier over the goal's place in the document (goal_context);
- its `year`: a scorer over the years the text offers, the best one wins.
Comparator, value, unit and metric are read by the rules from the span.  Untrained, the rules
alone find the goals and give every field.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

import srsly
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example

from kg.ingest.structure import split_sentences
from kg.nlp.components.char_features import add_spans, add_words, char_window
from kg.nlp.components.classifier import FeatureClassifier
from kg.nlp.components.extensions import GOALS_KEY, doc_text, split_tokens_at
from kg.nlp.components.goal_context import status_features, year_candidates
from kg.nlp.components.goal_rules import (
    clause_spans,
    find_goals,
    find_goals_by_rule,
    parse_span,
)
from kg.nlp.components.sequence import SequenceModel, bioes
from kg.records import Goal
from kg.schema import GOAL
from kg.zh.dates import find_dates
from kg.zh.numbers import find_quantities

# Words of a clause that make it a target or a result, or only an activity or a baseline.
CLAUSE_CUES = ("达到", "不少于", "不低于", "以上", "突破", "超过", "提高到", "增至", "新增", "新建", "建成", "完成", "实现",
               "累计", "共", "已", "将", "力争", "确保", "争取", "全覆盖", "创成", "获", "入选", "评为", "开展", "召开",
               "举办", "组织", "现有", "共有", "拥有", "目前", "投入", "培训", "覆盖", "率", "%", "第一", "前列", "领先")
LEAD_CUES = ("已", "累计", "将", "力争", "确保", "到", "目前", "现有", "共有", "开展", "召开", "组织")


class GoalTagger(Pipe):
    """Goal spans from a character CRF over the rules' goals and clause cues; status and year from
    classifiers over the goal's place in its document (see module doc)."""

    MODEL_FILE = "goals.crfsuite"
    STATUS_FILE = "status.json"
    YEAR_FILE = "year.json"

    def __init__(self, nlp: Language, name: str, *, c1: float, c2: float, max_iterations: int):
        self.name = name
        self.model = SequenceModel(c1, c2, max_iterations)
        self.status = FeatureClassifier()
        self.year = FeatureClassifier()

    def __call__(self, doc: Doc) -> Doc:
        text, context = doc_text(doc), doc._.context or {}
        if context.get("metadata"):
            found = []  # a website line (title, 发布时间…) states no goal
        elif self.model.trained:
            found = self.predict(doc, text, context)
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

    def predict(self, doc: Doc, text: str, context: dict) -> list[Goal]:
        sentences = split_sentences(text)
        out = []
        for tagged in self.model.tag(self.features(doc, text, context)):
            goal = parse_span(text, tagged.start, tagged.end, context, tagged.confidence)
            if self.status.trained:
                goal.status = ("achieved" if self.status.probability(
                    status_features(text, sentences, goal.start, goal.end, context)) >= 0.5 else "planned")
            if self.year.trained:
                goal.year = self.choose_year(text, sentences, goal, context)
            out.append(goal)
        return out

    def choose_year(self, text: str, sentences: list[tuple[int, int]], goal: Goal, context: dict) -> int | None:
        candidates = year_candidates(text, sentences, goal.start, goal.end, context, goal.status)
        return max(candidates, key=lambda y: (self.year.probability(candidates[y]), -abs(y - (goal.year or y))),
                   default=None)

    def features(self, doc: Doc, text: str, context: dict) -> list[dict[str, float]]:
        feats = char_window(text)
        spans = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        add_words(feats, [text[s:s + n] for s, n in spans], [s for s, _ in spans], {})
        add_spans(feats, ((q.start, q.end, f"quantity|{q.unit}") for q in find_quantities(text)), "number")
        add_spans(feats, ((d.start, d.end, "DATE") for d in find_dates(text)), "date")
        add_spans(feats, ((g.start, g.end, rule) for rule, g in find_goals_by_rule(text, context)), "rule")
        for start, end in clause_spans(text):
            clause = text[start:end]
            lead = text[next((a for a, b in split_sentences(text) if a <= start < b), 0):start]
            marks = {f"clause={cue}": 1.0 for cue in CLAUSE_CUES if cue in clause}
            marks.update({f"lead={cue}": 1.0 for cue in LEAD_CUES if cue in lead})
            marks[f"status={context.get('status')}"] = 1.0
            for i in range(start, min(end, len(feats))):
                feats[i].update(marks)
        return feats

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None) -> None:
        """With gold examples, fit the span tagger, the status classifier and the year scorer on
        their goals; else the rules decide."""
        self.model.from_bytes(b"")
        self.status, self.year = FeatureClassifier(), FeatureClassifier()
        examples = [eg for eg in (get_examples() if get_examples else [])
                    if not (eg.predicted._.context or {}).get("metadata")]
        if not any(eg.reference.spans.get(GOALS_KEY) for eg in examples):
            return
        sequences, status_rows, status_labels, year_rows, year_labels = [], [], [], [], []
        for eg in examples:
            text, context = doc_text(eg.predicted), eg.predicted._.context or {}
            gold = list(eg.reference.spans.get(GOALS_KEY, []))
            sequences.append((self.features(eg.predicted, text, context),
                              _tags(len(text), [(g.start_char, g.end_char) for g in gold])))
            sentences = split_sentences(text)
            for span in gold:
                fields = span._.goal or {}
                status_rows.append(status_features(text, sentences, span.start_char, span.end_char, context))
                status_labels.append(fields.get("status") == "achieved")
                for year, row in year_candidates(text, sentences, span.start_char, span.end_char, context,
                                                 fields.get("status", "planned")).items():
                    year_rows.append(row)
                    year_labels.append(year == fields.get("year"))
        self.model.fit(sequences)
        if len(set(status_labels)) == 2:
            self.status = FeatureClassifier().fit(status_rows, status_labels, balanced=False)
        if len(set(year_labels)) == 2:
            self.year = FeatureClassifier().fit(year_rows, year_labels, balanced=False)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        """Exact goal spans (P/R/F as `spans_goals_*`) and, over the goals found exactly, how often
        status and year are right."""
        examples = list(examples)
        scores = Scorer.score_spans(examples, f"spans_{GOALS_KEY}",
                                    getter=lambda doc, attr: doc.spans.get(GOALS_KEY, []), **kwargs)
        for name in ("status", "year"):
            right = total = 0
            for eg in examples:
                gold = {(s.start_char, s.end_char): (s._.goal or {}).get(name) for s in eg.reference.spans.get(GOALS_KEY, [])}
                for span in eg.predicted.spans.get(GOALS_KEY, []):
                    key = (span.start_char, span.end_char)
                    if key in gold:
                        total += 1
                        right += (span._.goal or {}).get(name) == gold[key]
            scores[f"goals_{name}_acc"] = right / total if total else None
        return scores

    def to_bytes(self, *, exclude=()) -> bytes:
        return srsly.msgpack_dumps({"model": self.model.to_bytes(), "status": self.status.to_dict(),
                                    "year": self.year.to_dict()})

    def from_bytes(self, data: bytes, *, exclude=()) -> "GoalTagger":
        msg = srsly.msgpack_loads(data)
        self.model.from_bytes(msg["model"])
        self.status, self.year = FeatureClassifier.from_dict(msg["status"]), FeatureClassifier.from_dict(msg["year"])
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.model.trained:
            (path / self.MODEL_FILE).write_bytes(self.model.to_bytes())
        for file, classifier in ((self.STATUS_FILE, self.status), (self.YEAR_FILE, self.year)):
            if classifier.trained:
                classifier.to_disk(path / file)

    def from_disk(self, path, *, exclude=()) -> "GoalTagger":
        path = Path(path)
        model = path / self.MODEL_FILE
        self.model.from_bytes(model.read_bytes() if model.is_file() else b"")
        self.status = FeatureClassifier.from_disk(path / self.STATUS_FILE)
        self.year = FeatureClassifier.from_disk(path / self.YEAR_FILE)
        return self


def _tags(length: int, spans: list[tuple[int, int]]) -> list[str]:
    return bioes(length, sorted((s, e, GOAL) for s, e in spans))


@Language.factory("kg_goals", assigns=["doc.spans", "span._.goal", "span._.confidence"],
                  default_config={"c1": 0.05, "c2": 0.05, "max_iterations": 150},
                  default_score_weights={f"spans_{GOALS_KEY}_f": 1.0, f"spans_{GOALS_KEY}_p": 0.0,
                                         f"spans_{GOALS_KEY}_r": 0.0, "goals_status_acc": 0.5, "goals_year_acc": 0.5})
def make_goals(nlp: Language, name: str, c1: float, c2: float, max_iterations: int) -> GoalTagger:
    return GoalTagger(nlp, name, c1=c1, c2=c2, max_iterations=max_iterations)
