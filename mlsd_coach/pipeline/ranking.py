"""Stages 2 and 3, pre-ranking and ranking: popularity, a logistic-regression baseline, a
gradient-boosted heavy ranker, and the light pre-ranker in front of it.

Blueprint: `ranking` (framework step: model); production runs a multi-task network (MMoE with a
DCN cross layer) on Triton or TensorFlow Serving. All three rankers here are `RankingModel`s and
predict the same label, P(engaged: clicked and watched at least half), from the same feature rows
(`features.FEATURES`):

- popularity: the item's engagement count, no model at all: the baseline every ranker must beat;
- logistic regression: linear in the standardised features, fitted by Newton's method in NumPy;
- LightGBM: the heavy ranker, 300 trees of up to 63 leaves on all 40 features (user, item,
  creator and topic aggregates and user-item crosses); it learns interactions the linear model
  cannot, such as how a user's usual video length and an item's length combine.

The heavy ranker costs about 30 µs a candidate on one thread, so ~1,000 retrieved candidates
would take ~30 ms, past the 20 ms budget. Production systems put a light pre-ranker in front:
here logistic regression on eight cheap columns (`features.CHEAP_FEATURES`) scores every
candidate in well under a millisecond and keeps the best 200 for the heavy ranker. What that
costs in quality is measured, not assumed (`pipeline bench`: how much of the heavy ranker's own
top 20 survives the cut, and NDCG against the oracle with and without it).

Position is a training feature and is set to 0 at serving, so the models score
every candidate as if it were shown at the top (a simple correction for position bias).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from mlsd_coach.pipeline.features import CHEAP_FEATURES, FEATURES, POPULARITY_FEATURE
from mlsd_coach.pipeline.training_data import TrainingRows

if TYPE_CHECKING:
    import lightgbm

POSITION = FEATURES.index("position")


class RankingModel(Protocol):
    """Scores feature rows (`features.FEATURES`): higher means more likely to be engaged with."""

    @property
    def name(self) -> str: ...

    def score(self, features: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class PopularityRanker:
    name: str = "popularity"

    def score(self, features: np.ndarray) -> np.ndarray:
        return features[:, POPULARITY_FEATURE].astype(np.float64)


@dataclass(frozen=True)
class LogisticRegression:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # intercept last
    name: str = "logistic"

    @classmethod
    def fit(cls, rows: TrainingRows, l2: float = 1.0, iterations: int = 25) -> LogisticRegression:
        """Newton's method (iteratively reweighted least squares) with sample weights."""
        mean, scale = rows.features.mean(axis=0), rows.features.std(axis=0) + 1e-6
        x = np.column_stack([(rows.features - mean) / scale, np.ones(len(rows))])
        y, w = rows.label.astype(np.float64), rows.weight.astype(np.float64)
        coef = np.zeros(x.shape[1])
        penalty = l2 * np.eye(x.shape[1])
        penalty[-1, -1] = 0.0
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-(x @ coef)))
            gradient = x.T @ (w * (p - y)) + penalty @ coef
            hessian = (x * (w * p * (1 - p))[:, None]).T @ x + penalty
            step = np.linalg.solve(hessian, gradient)
            coef -= step
            if np.abs(step).max() < 1e-6:
                break
        return cls(mean, scale, coef)

    def score(self, features: np.ndarray) -> np.ndarray:
        # numpy's stubs type this as Any: the annotation says what it is
        scores: np.ndarray = ((features - self.mean) / self.scale) @ self.coef[:-1] + self.coef[-1]
        return scores


@dataclass(frozen=True)
class PreRanker:
    """The light stage between retrieval and the heavy ranker: logistic regression on the
    cheap columns, keeping the `keep` best candidates."""

    model: LogisticRegression
    keep: int = 200
    columns: tuple[str, ...] = CHEAP_FEATURES
    name: str = "pre-ranker"

    @classmethod
    def fit(cls, rows: TrainingRows, keep: int = 200) -> PreRanker:
        return cls(LogisticRegression.fit(rows.only(CHEAP_FEATURES)), keep)

    def score(self, cheap_features: np.ndarray) -> np.ndarray:
        """Scores of rows holding `columns` only."""
        return self.model.score(cheap_features)

    def kept(self, cheap_features: np.ndarray) -> np.ndarray:
        """Positions of the candidates to pass on, best first."""
        score = self.score(cheap_features)
        if len(score) <= self.keep:
            return np.argsort(-score, kind="stable")
        best = np.argpartition(-score, self.keep)[: self.keep]
        return best[np.argsort(-score[best], kind="stable")]


@dataclass(frozen=True)
class GbdtConfig:
    trees: int = 300
    leaves: int = 63
    learning_rate: float = 0.05
    min_rows_per_leaf: int = 1000  # large leaves generalise from logged items to new candidates
    training_threads: int = 2


@dataclass
class GradientBoostedRanker:
    booster: lightgbm.Booster
    name: str = "gbdt"
    config: GbdtConfig = field(default_factory=GbdtConfig)

    @classmethod
    def fit(
        cls, rows: TrainingRows, config: GbdtConfig = GbdtConfig(), seed: int = 0, name: str = "gbdt"
    ) -> GradientBoostedRanker:
        import lightgbm

        params = {
            "objective": "binary",
            "num_leaves": config.leaves,
            "learning_rate": config.learning_rate,
            "min_data_in_leaf": config.min_rows_per_leaf,
            "feature_fraction": 0.9,
            # position may only appear in trees of its own, so its effect is additive and setting it
            # to 0 at serving shifts every candidate's score equally (a shallow position tower)
            "interaction_constraints": [[POSITION], [i for i in range(len(FEATURES)) if i != POSITION]],
            "num_threads": config.training_threads,
            "seed": seed,
            "deterministic": True,
            "force_row_wise": True,
            "verbose": -1,
        }
        data = lightgbm.Dataset(rows.features, rows.label.astype(np.float32), weight=rows.weight)
        booster = lightgbm.train(params, data, num_boost_round=config.trees)
        return cls(booster, name, config)

    @property
    def trees(self) -> int:
        return int(self.booster.num_trees())

    def score(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(self.booster.predict(features, raw_score=True, num_threads=1))
