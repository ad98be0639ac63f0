"""Logged impressions: what an older production system showed, and what users did with it.

Blueprint: `feed-service` writing served impressions and the `mobile-client` writing events into
the `impression-log` (framework step: data); Kafka and Flink in production. Two biases every real
log has are built in on purpose, so the models downstream have to live with them:

- selection bias: the logging policy (exposure plus a noisy guess of relevance) decides what is
  shown at all, so most of the catalogue has no impressions;
- position bias: a user examines position p with probability (1 + p) ** -0.7, so a skipped item at
  the bottom of the page says little about whether it was any good.

Clicks and watch time then come from the oracle's choice model, which the logs never reveal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mlsd_coach.pipeline.data import ImpressionLog, Timeline

if TYPE_CHECKING:
    from mlsd_coach.pipeline.synthetic import Oracle, WorldConfig

EXAMINATION_DECAY = 0.7
POPULAR_CANDIDATES = 15
TOPIC_CANDIDATES = 25
UNIFORM_CANDIDATES = 10  # of the topical ones
REQUESTS_PER_CHUNK = 20_000
DRIFT_ACTIVITY = 1.3  # the drift day is a holiday: more requests...
DRIFT_TRENDING_SHARE = 0.6  # ...and a few trending topics take 60% of topical traffic


@dataclass(frozen=True)
class ExposureSampler:
    """Draws items in proportion to exposure, over the whole catalogue or within given topics,
    by inverse-CDF sampling (topic t's cumulative share is laid out on [t, t + 1])."""

    global_cdf: np.ndarray
    topic_order: np.ndarray
    topic_cdf: np.ndarray

    @classmethod
    def build(cls, topic: np.ndarray, exposure: np.ndarray) -> ExposureSampler:
        order = np.argsort(topic, kind="stable")
        sorted_topic, sorted_exposure = topic[order], exposure[order]
        running = np.cumsum(sorted_exposure)
        starts = np.searchsorted(sorted_topic, sorted_topic, side="left")
        ends = np.searchsorted(sorted_topic, sorted_topic, side="right") - 1
        before = np.where(starts > 0, running[starts - 1], 0.0)
        within = (running - before) / (running[ends] - before)
        return cls(np.cumsum(exposure) / exposure.sum(), order, sorted_topic + within)

    def popular(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        index = np.searchsorted(self.global_cdf, rng.random(shape))
        return np.minimum(index, len(self.global_cdf) - 1)

    def in_topics(self, topics: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        index = np.searchsorted(self.topic_cdf, topics + rng.random(topics.shape))
        return self.topic_order[np.minimum(index, len(self.topic_order) - 1)]


@dataclass(frozen=True)
class LoggingPolicy:
    """The old production system: its candidate sources and its ranking rule."""

    by_exposure: ExposureSampler
    uniform: ExposureSampler  # its exploration: some topical candidates ignore exposure
    trending: np.ndarray  # topics that surge on the drift day

    def candidates(
        self, oracle: Oracle, user: np.ndarray, rng: np.random.Generator, drift: bool
    ) -> np.ndarray:
        """Popular items plus items from the user's interest topics."""
        weight = np.cumsum(oracle.users.topic_weight[user], axis=1)
        draws = rng.random((len(user), TOPIC_CANDIDATES))
        slot = np.minimum((draws[:, :, None] > weight[:, None, :]).sum(axis=2), 2)
        topic = np.take_along_axis(oracle.users.topics[user], slot, axis=1)
        if drift:
            swap = rng.random(topic.shape) < DRIFT_TRENDING_SHARE
            topic = np.where(swap, rng.choice(self.trending, topic.shape), topic)
        parts = [
            self.by_exposure.popular((len(user), POPULAR_CANDIDATES), rng),
            self.by_exposure.in_topics(topic[:, UNIFORM_CANDIDATES:], rng),
            self.uniform.in_topics(topic[:, :UNIFORM_CANDIDATES], rng),
        ]
        return np.concatenate(parts, axis=1).astype(np.int32)

    def score(
        self, oracle: Oracle, candidates: np.ndarray, click_logit: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Exposure plus a noisy guess of relevance."""
        # numpy's stubs type this as Any: the annotation says what it is
        scores: np.ndarray = (
            0.3 * np.log(oracle.exposure[candidates]) + click_logit + rng.normal(size=candidates.shape)
        )
        return scores


def simulate_log(
    oracle: Oracle, timeline: Timeline, config: WorldConfig, rng: np.random.Generator
) -> ImpressionLog:
    catalogue = oracle.catalogue
    policy = LoggingPolicy(
        ExposureSampler.build(catalogue.topic, oracle.exposure),
        ExposureSampler.build(catalogue.topic, np.ones(catalogue.n_items)),
        rng.choice(catalogue.n_topics, 3, replace=False),
    )
    parts: list[ImpressionLog] = []
    n_requests = 0
    for day in range(timeline.n_days):
        drift = day == timeline.drift_day
        users = oracle.users
        active = np.flatnonzero(users.first_day <= day)
        per_user = rng.poisson(users.activity[active] * (DRIFT_ACTIVITY if drift else 1.0))
        user = np.repeat(active, per_user).astype(np.int32)
        time = day + rng.random(len(user))
        for start in range(0, len(user), REQUESTS_PER_CHUNK):
            chunk = slice(start, start + REQUESTS_PER_CHUNK)
            request = n_requests + np.arange(len(user[chunk]))
            parts.append(
                _serve_and_observe(
                    oracle, policy, request, user[chunk], time[chunk], config.slate_size, rng, drift
                )
            )
            n_requests += len(user[chunk])
    return ImpressionLog(*(np.concatenate([getattr(part, name) for part in parts]) for name in _COLUMNS))


_COLUMNS = ("request", "user", "item", "time", "position", "click", "watch_fraction", "engaged")


def _duplicates(candidates: np.ndarray) -> np.ndarray:
    """True for every repeat of an item already earlier in the same row."""
    order = np.argsort(candidates, axis=1, kind="stable")
    ordered = np.take_along_axis(candidates, order, axis=1)
    repeat = np.zeros(candidates.shape, dtype=bool)
    repeat[:, 1:] = ordered[:, 1:] == ordered[:, :-1]
    duplicate = np.empty_like(repeat)
    np.put_along_axis(duplicate, order, repeat, axis=1)
    return duplicate


def _serve_and_observe(
    oracle: Oracle,
    policy: LoggingPolicy,
    request: np.ndarray,
    user: np.ndarray,
    time: np.ndarray,
    slate_size: int,
    rng: np.random.Generator,
    drift: bool,
) -> ImpressionLog:
    catalogue = oracle.catalogue
    candidates = policy.candidates(oracle, user, rng, drift)
    n_requests, n_candidates = candidates.shape
    users = np.repeat(user, n_candidates)
    times = np.repeat(time, n_candidates)
    click_logit = oracle.click_logit(users, candidates.ravel(), times).reshape(candidates.shape)
    policy_score = policy.score(oracle, candidates, click_logit, rng)
    unservable = (
        catalogue.explicit[candidates]
        | (catalogue.upload_time[candidates] >= time[:, None])
        | _duplicates(candidates)
    )
    policy_score[unservable] = -np.inf
    slate = np.argsort(-policy_score, axis=1)[:, :slate_size]
    shown = np.isfinite(np.take_along_axis(policy_score, slate, axis=1))
    position = np.broadcast_to(np.arange(slate_size, dtype=np.int16), slate.shape)[shown]
    item = np.take_along_axis(candidates, slate, axis=1)[shown]
    logit = np.take_along_axis(click_logit, slate, axis=1)[shown]
    row_user = np.broadcast_to(user[:, None], slate.shape)[shown]
    row_time = np.broadcast_to(time[:, None], slate.shape)[shown]
    examined = rng.random(len(item)) < (1.0 + position) ** -EXAMINATION_DECAY
    click = examined & (rng.random(len(item)) < 1.0 / (1.0 + np.exp(-logit)))
    watch = np.where(click, oracle.draw_watch_fraction(row_user, item, row_time, rng), 0.0).astype(np.float32)
    return ImpressionLog(
        request=np.broadcast_to(request[:, None], slate.shape)[shown].astype(np.int64),
        user=row_user,
        item=item,
        time=row_time,
        position=position,
        click=click,
        watch_fraction=watch,
        engaged=click & (watch >= 0.5),
    )
