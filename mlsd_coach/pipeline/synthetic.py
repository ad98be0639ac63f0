"""The synthetic world: topics, creators, items and users whose true preferences are known.

Blueprint: stands in for the platform and its users, the `mobile-client` end of the diagram
(framework steps: requirements and data). A real platform never shows you `Oracle`; here it
lets every model be judged against the truth as well as against the biased logs it learnt
from. Everything is vectorised, so a million items take a few seconds.

Structure, not noise: topics sit around a handful of genres in a latent space, creators lean
to a home topic, items are their topic's centroid plus creator style plus noise, and users
mix one to three topics. Popularity is long-tailed and only loosely tied to quality.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd_coach.pipeline.data import Catalogue, Timeline, World
from mlsd_coach.pipeline.impressions import simulate_log

LATENT_DIM = 16
CONTENT_DIM = 16
N_GENRES = 8
WATCH_NOISE = 0.8  # scale of the logistic noise on how far a viewer watches
FRESHNESS_DAYS = 3.0


@dataclass(frozen=True)
class WorldConfig:
    n_users: int = 20_000
    n_items: int = 100_000
    seed: int = 7
    last_train_day: int = 3
    requests_per_user_day: float = 3.0
    slate_size: int = 10

    @property
    def n_topics(self) -> int:
        return int(16 + np.sqrt(self.n_items) / 10)

    @property
    def n_creators(self) -> int:
        return max(20, self.n_items // 40)


@dataclass(frozen=True)
class Population:
    taste: np.ndarray  # float32 (n_users, LATENT_DIM), unit length
    duration_pref: np.ndarray  # float32: log-seconds of the video length the user likes
    activity: np.ndarray  # float32: expected feed requests per day
    first_day: np.ndarray  # int32: the day the user signs up
    topics: np.ndarray  # int32 (n_users, 3): the interest mixture...
    topic_weight: np.ndarray  # float32 (n_users, 3): ...and its weights (zero for unused slots)


@dataclass(frozen=True)
class Oracle:
    """The hidden truth: why a user engages with an item. Only the simulator and the evaluation
    read it."""

    catalogue: Catalogue
    users: Population
    item_latent: np.ndarray  # float32 (n_items, LATENT_DIM), unit length
    quality: np.ndarray  # float32
    exposure: np.ndarray  # float64: how much the old system pushes each item (long-tailed)

    def _affinity(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        # numpy's stubs type this as Any: the annotation says what it is
        affinity: np.ndarray = np.einsum("ij,ij->i", self.users.taste[users], self.item_latent[items])
        return affinity

    def click_logit(self, users: np.ndarray, items: np.ndarray, time: np.ndarray | float) -> np.ndarray:
        """Taste dominates the decision to click; quality and freshness shift it."""
        age = np.maximum(time - self.catalogue.upload_time[items], 0.0)
        freshness = np.exp(-age / FRESHNESS_DAYS)
        # numpy's stubs type this as Any: the annotation says what it is
        logit: np.ndarray = (
            8.0 * self._affinity(users, items) + 0.5 * self.quality[items] + 0.8 * freshness - 6.5
        )
        return logit

    def watch_logit(self, users: np.ndarray, items: np.ndarray, time: np.ndarray | float) -> np.ndarray:
        """How far a viewer watches: taste and quality, minus the squared distance between the
        video's log-length and the length this user likes (a little longer in the evening)."""
        evening = ((np.asarray(time) % 1.0) >= 0.75).astype(np.float32)
        wanted = self.users.duration_pref[users] + 0.4 * evening
        mismatch = np.log(self.catalogue.duration_s[items]) - wanted
        # numpy's stubs type this as Any: the annotation says what it is
        logit: np.ndarray = (
            2.0 * self._affinity(users, items) + 1.0 * self.quality[items] - 1.2 * mismatch**2 - 0.8
        )
        return logit

    def engagement_prob(self, users: np.ndarray, items: np.ndarray, time: np.ndarray | float) -> np.ndarray:
        """P(click and watch at least half | the item is examined): exactly what the simulator draws."""
        click = _sigmoid(self.click_logit(users, items, time))
        # numpy's stubs type this as Any: the annotation says what it is
        prob: np.ndarray = click * _sigmoid(self.watch_logit(users, items, time) / WATCH_NOISE)
        return prob

    def draw_watch_fraction(
        self, users: np.ndarray, items: np.ndarray, time: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """How far each viewer watches once they clicked: the choice model's second half."""
        uniform = rng.random(len(items)).clip(1e-6, 1 - 1e-6)
        noise = WATCH_NOISE * np.log(uniform / (1 - uniform))
        return _sigmoid(self.watch_logit(users, items, time) + noise).astype(np.float32)

    def top_k(self, user: int, k: int, time: float) -> np.ndarray:
        """The k servable items this user would most likely engage with: the ideal retrieval."""
        items = np.arange(self.catalogue.n_items)
        prob = self.engagement_prob(np.full(len(items), user), items, time)
        servable = ~self.catalogue.explicit & (self.catalogue.upload_time < time)
        prob = np.where(servable, prob, -1.0)
        best = np.argpartition(-prob, k)[:k]
        return best[np.argsort(-prob[best])]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # numpy's stubs type this as Any: the annotation says what it is
    sigmoid: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return sigmoid


def _unit(x: np.ndarray) -> np.ndarray:
    # numpy's stubs type this as Any: the annotation says what it is
    unit: np.ndarray = (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)
    return unit


def _zipf_weights(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Long-tailed weights in a random order: a few heads, a long tail."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return rng.permutation(weights / weights.sum())


def build_oracle(config: WorldConfig, rng: np.random.Generator) -> Oracle:
    """Genres -> topics -> creators -> items, each a noisy child of the one before."""
    n_topics, n_creators, n_items = config.n_topics, config.n_creators, config.n_items
    genres = _unit(rng.normal(size=(N_GENRES, LATENT_DIM)))
    topic_genre = rng.integers(0, N_GENRES, n_topics)
    centroids = _unit(genres[topic_genre] + 0.7 * _unit(rng.normal(size=(n_topics, LATENT_DIM))))
    topic_share = _zipf_weights(n_topics, 0.8, rng)

    creator_topic = rng.choice(n_topics, n_creators, p=topic_share)
    creator_style = _unit(rng.normal(size=(n_creators, LATENT_DIM)))
    creator_quality = rng.normal(0.0, 0.7, n_creators)
    creator_reach = _zipf_weights(n_creators, 1.0, rng)

    creator = rng.choice(n_creators, n_items, p=_zipf_weights(n_creators, 0.7, rng)).astype(np.int32)
    off_topic = rng.random(n_items) < 0.15
    topic = np.where(off_topic, rng.choice(n_topics, n_items, p=topic_share), creator_topic[creator])
    noise = _unit(rng.normal(size=(n_items, LATENT_DIM)))
    latent = _unit(centroids[topic] + 0.35 * creator_style[creator] + 0.45 * noise)
    quality = (creator_quality[creator] + rng.normal(0.0, 0.5, n_items)).astype(np.float32)
    encoder = rng.normal(size=(LATENT_DIM, CONTENT_DIM)) / np.sqrt(LATENT_DIM)
    content = _unit(latent @ encoder + 0.25 * rng.normal(size=(n_items, CONTENT_DIM)))

    catalogue = Catalogue(
        topic=topic.astype(np.int32),
        creator=creator,
        content=content,
        duration_s=np.clip(rng.lognormal(np.log(40.0), 0.8, n_items), 5.0, 600.0).astype(np.float32),
        # over the 60 days before the evaluation day, more of them recently
        upload_time=config.last_train_day + 1 - 60.0 * rng.random(n_items) ** 1.5,
        explicit=rng.random(n_items) < 0.015,
        n_topics=n_topics,
        n_creators=n_creators,
    )
    exposure = creator_reach[creator] * np.exp(0.8 * quality) * rng.lognormal(0.0, 1.0, n_items)
    users = _population(config, centroids, topic_share, rng)
    return Oracle(catalogue, users, latent, quality, exposure / exposure.sum())


def _population(
    config: WorldConfig, centroids: np.ndarray, topic_share: np.ndarray, rng: np.random.Generator
) -> Population:
    n = config.n_users
    topics = rng.choice(len(centroids), (n, 3), p=topic_share).astype(np.int32)
    n_interests = rng.integers(1, 4, n)
    weight = rng.dirichlet(np.ones(3), n) * (np.arange(3) < n_interests[:, None])
    weight /= weight.sum(axis=1, keepdims=True)
    taste = _unit(
        np.einsum("uk,ukd->ud", weight, centroids[topics]) + 0.25 * _unit(rng.normal(size=(n, LATENT_DIM)))
    )
    # most users are there from day 0, some sign up on later days, and a wave signs up on the
    # drift day (a holiday), so the evaluation and drift days both have cold-start users
    timeline = Timeline(config.last_train_day)
    signup = rng.random(n)
    first_day = np.select(
        [signup < 0.75, signup < 0.90], [0, rng.integers(1, timeline.drift_day, n)], timeline.drift_day
    ).astype(np.int32)
    sigma = 0.8
    activity = rng.lognormal(np.log(config.requests_per_user_day) - sigma**2 / 2, sigma, n)
    return Population(
        taste=taste,
        duration_pref=rng.normal(np.log(40.0), 0.6, n).astype(np.float32),
        activity=activity.astype(np.float32),
        first_day=first_day,
        topics=topics,
        topic_weight=weight.astype(np.float32),
    )


def synthetic_world(config: WorldConfig) -> World:
    """Build the platform, then simulate its impression log day by day."""
    rng = np.random.default_rng(config.seed)
    oracle = build_oracle(config, rng)
    timeline = Timeline(config.last_train_day)
    log = simulate_log(oracle, timeline, config, rng)
    name = f"synthetic: {config.n_users:,} users, {config.n_items:,} items, seed {config.seed}"
    return World(name, oracle.catalogue, config.n_users, log, timeline, oracle)
