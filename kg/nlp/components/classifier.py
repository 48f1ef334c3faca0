"""A small classifier over named features, stored as JSON inside a spaCy pipeline.

Used where a decision is one of a few classes described by features: a goal's status, whether
a year the text offers is the one a goal is due in, which relation (if any) joins a pair of
mentions.  scikit-learn fits a logistic regression (multinomial beyond two classes); the
weights are written as plain JSON (no pickle), so a saved pipeline is data, not code.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

FeatureNames = Iterable[str]  # the features present in a row (each of value 1)


class FeatureClassifier:
    def __init__(self, weights: dict[str, dict[str, float]] | None = None, bias: dict[str, float] | None = None):
        self.weights = weights or {}  # class -> feature -> weight
        self.bias = bias or {}  # class -> intercept
        self._index()

    def _index(self) -> None:
        """Feature -> [(class, weight)]: a row names few features, so reading each once beats asking
        every class for every feature (the relation classifier scores thousands of pairs a document)."""
        self._classes = list(self.weights)
        self._by_feature: dict[str, list[tuple[int, float]]] = {}
        for k, weights in enumerate(self.weights.values()):
            for name, w in weights.items():
                self._by_feature.setdefault(name, []).append((k, w))

    @property
    def trained(self) -> bool:
        return bool(self.weights)

    def fit(self, rows: Sequence[FeatureNames], labels: Sequence[str], *, c: float = 1.0) -> "FeatureClassifier":
        """Logistic regression (seeded: the same data give the same weights). Fewer than two classes:
        untrained."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(set(labels)) < 2:
            self.weights, self.bias = {}, {}
            self._index()
            return self
        vectorizer = DictVectorizer()
        x = vectorizer.fit_transform({name: 1.0 for name in row} for row in rows)
        model = LogisticRegression(C=c, max_iter=3000, random_state=0)
        model.fit(x, list(labels))
        classes = [str(k) for k in model.classes_]
        rows_of = ([(classes[1], 0)] if len(classes) == 2 else [(k, i) for i, k in enumerate(classes)])
        self.weights = {k: {} for k in classes}  # with two classes the first has all weights 0 (logistic)
        self.bias = {k: 0.0 for k in classes}
        for k, i in rows_of:
            self.weights[k] = {n: float(w) for n, w in zip(vectorizer.feature_names_, model.coef_[i]) if w}
            self.bias[k] = float(model.intercept_[i])
        self._index()
        return self

    def probabilities(self, features: FeatureNames) -> dict[str, float]:
        scores = [self.bias[k] for k in self._classes]
        for name in set(features):
            for k, w in self._by_feature.get(name, ()):
                scores[k] += w
        top = max(scores)
        exp = [math.exp(max(-60.0, z - top)) for z in scores]
        total = sum(exp)
        return {k: v / total for k, v in zip(self._classes, exp)}

    def probability(self, features: FeatureNames, label: str) -> float:
        return self.probabilities(features).get(label, 0.0)

    def to_dict(self) -> dict:
        return {"bias": self.bias, "weights": self.weights}

    @classmethod
    def from_dict(cls, data: dict) -> "FeatureClassifier":
        return cls(data["weights"], data["bias"])

    def to_disk(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True), encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path) -> "FeatureClassifier":
        path = Path(path)
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else cls()
