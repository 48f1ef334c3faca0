"""A small binary classifier over feature dicts, stored as JSON inside a spaCy pipeline.

Used where a decision is one of a few candidates described by features: a goal's status, the
year it is due among those the text offers, the relation of a pair of mentions.  scikit-learn fits it; the weights are
written as plain JSON (no pickle), so a saved pipeline is data, not code.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

Features = dict[str, float]


class FeatureClassifier:
    def __init__(self, weights: dict[str, float] | None = None, bias: float = 0.0, threshold: float = 0.5):
        self.weights = weights or {}
        self.bias = bias
        self.threshold = threshold  # decision threshold

    @property
    def trained(self) -> bool:
        return bool(self.weights)

    def fit(self, rows: Sequence[Features], labels: Sequence[bool], *, c: float = 1.0, balanced: bool = True,
            seed: int = 0) -> "FeatureClassifier":
        """Logistic regression; `balanced` weighs the rarer class up (a yes among many candidate no's)."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = DictVectorizer()
        x = vectorizer.fit_transform(rows)
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None,
                                   random_state=seed)
        model.fit(x, list(labels))
        self.threshold = 0.5
        self.weights = {name: float(w) for name, w in zip(vectorizer.feature_names_, model.coef_[0]) if w}
        self.bias = float(model.intercept_[0])
        return self

    def probability(self, features: Features) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict:
        return {"bias": self.bias, "threshold": self.threshold, "weights": self.weights}

    @classmethod
    def from_dict(cls, data: dict) -> "FeatureClassifier":
        return cls(data["weights"], data["bias"], data.get("threshold", 0.5))

    def to_disk(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True), encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path) -> "FeatureClassifier":
        path = Path(path)
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else cls()
