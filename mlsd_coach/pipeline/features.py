"""Feature store: point-in-time aggregates for training, the same values for serving.

Blueprint: `feature-store` feeding `training-data-job` and `ranking` (framework step: data).
In production this is Feast (or Tecton) with an offline store in Delta or Hive tables and an
online store in Redis, filled by Spark batch jobs and Flink streaming aggregates. Here it is a
few NumPy arrays:

- `Snapshots` is the offline store: cumulative counts as of the start of every day. A training
  row for an impression on day d joins snapshot d, which only counts events before day d, so no
  row can see its own label or anything after it (the point-in-time join).
- `OnlineStore` serves one snapshot to the request path, as Redis would serve the latest batch.

Both call `ranking_features`, so training and serving compute features the same way: the usual
cause of training/serving skew is two implementations of one feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mlsd_coach.pipeline.data import Catalogue, ImpressionLog

SMOOTHING = 20.0  # pseudo-impressions that pull a rarely seen entity's rate to the global rate
PRIOR_LOG_DURATION = float(np.log(40.0))  # for users who have not finished a video yet

# What the heavy ranker reads: 40 columns, context, user, item, creator and topic aggregates,
# and user-item crosses (the interactions a production ranker's cross layer learns).
FEATURES = (
    "position",  # context: the slot it was shown in; 0 at serving (position-bias correction)
    "hour",  # context
    "hour_sin",
    "hour_cos",
    "user_log_impressions",
    "user_log_engaged",
    "user_engage_rate",
    "user_mean_log_duration",
    "user_topic_entropy",  # how spread the user's engagement is over topics
    "item_log_impressions",
    "item_log_engaged",
    "item_engage_rate",
    "item_log_clicks",
    "item_click_rate",
    "item_mean_watch",
    "item_watch_per_impression",
    "item_recent_log_impressions",  # the last day before the snapshot
    "item_recent_log_engaged",
    "item_recent_engage_rate",
    "item_trend",  # the last day's engagement rate against the item's all-time rate
    "item_3day_log_engaged",
    "item_age_days",
    "item_log_age",
    "item_is_fresh",  # uploaded in the last day
    "item_log_duration",
    "creator_log_impressions",
    "creator_log_engaged",
    "creator_engage_rate",
    "topic_engage_rate",
    "topic_log_impressions",
    "user_topic_share",  # cross: how much of the user's engagement is on this item's topic
    "user_topic_log_engaged",  # cross
    "is_users_top_topic",  # cross
    "content_affinity",  # cross: cosine of the user's watched content and this item's content
    "duration_gap",  # cross: this item's log length against the user's usual one
    "abs_duration_gap",  # cross
    "topic_share_x_item_rate",  # cross
    "affinity_x_item_rate",  # cross
    "user_rate_x_item_rate",  # cross
    "affinity_x_recent_rate",  # cross
)
# What the pre-ranker reads: a few columns a cache beside retrieval would hold, cheap enough
# to compute for every one of ~1,000 candidates.
CHEAP_FEATURES = (
    "item_log_engaged",
    "item_engage_rate",
    "item_recent_engage_rate",
    "item_log_age",
    "creator_engage_rate",
    "user_topic_share",
    "content_affinity",
    "affinity_x_item_rate",
)
POPULARITY_FEATURE = FEATURES.index("item_log_engaged")


@dataclass(frozen=True)
class Snapshots:
    """Row d of every array counts the events of days 0..d-1."""

    item_impressions: np.ndarray
    item_engaged: np.ndarray
    item_clicks: np.ndarray
    item_watch: np.ndarray
    creator_impressions: np.ndarray
    creator_engaged: np.ndarray
    user_impressions: np.ndarray
    user_engaged: np.ndarray
    user_log_duration: np.ndarray
    user_topic_engaged: np.ndarray  # (days + 1, n_users, n_topics)
    user_content: np.ndarray  # (days + 1, n_users, content_dim): sum over engaged items
    topic_impressions: np.ndarray  # (days + 1, n_topics)
    topic_engaged: np.ndarray
    global_rate: np.ndarray  # (days + 1,)

    @property
    def n_snapshots(self) -> int:
        return len(self.global_rate)


def _cumulative(
    day: np.ndarray, key: np.ndarray, n_keys: int, n_days: int, weight: np.ndarray | None = None
) -> np.ndarray:
    per_day = np.bincount(day * n_keys + key, weights=weight, minlength=n_days * n_keys)
    counts = np.zeros((n_days + 1, n_keys), dtype=np.float32)
    counts[1:] = np.cumsum(per_day.reshape(n_days, n_keys), axis=0)
    return counts


def build_snapshots(log: ImpressionLog, catalogue: Catalogue, n_users: int, n_days: int) -> Snapshots:
    """The daily batch job: aggregate the whole log once into as-of-each-day snapshots."""
    day, user, item = log.day, log.user.astype(np.int64), log.item
    eng = log.engaged.astype(np.float64)
    creator = catalogue.creator[item].astype(np.int64)
    n_items, n_topics = catalogue.n_items, catalogue.n_topics
    engaged_rows = log.engaged
    e_day, e_user, e_item = day[engaged_rows], user[engaged_rows], item[engaged_rows]
    user_topic = _cumulative(e_day, e_user * n_topics + catalogue.topic[e_item], n_users * n_topics, n_days)
    content = catalogue.content[e_item]
    user_content = np.zeros((n_days + 1, n_users, content.shape[1]), dtype=np.float32)
    for k in range(content.shape[1]):
        user_content[..., k] = _cumulative(e_day, e_user, n_users, n_days, content[:, k])
    item_impressions = _cumulative(day, item, n_items, n_days)
    item_engaged = _cumulative(day, item, n_items, n_days, eng)
    global_rate = (item_engaged.sum(axis=1) + 1.0) / (item_impressions.sum(axis=1) + 20.0)  # defined on day 0
    return Snapshots(
        item_impressions=item_impressions,
        item_engaged=item_engaged,
        item_clicks=_cumulative(day, item, n_items, n_days, log.click.astype(np.float64)),
        item_watch=_cumulative(day, item, n_items, n_days, log.watch_fraction.astype(np.float64)),
        creator_impressions=_cumulative(day, creator, catalogue.n_creators, n_days),
        creator_engaged=_cumulative(day, creator, catalogue.n_creators, n_days, eng),
        user_impressions=_cumulative(day, user, n_users, n_days),
        user_engaged=_cumulative(day, user, n_users, n_days, eng),
        user_log_duration=_cumulative(
            e_day, e_user, n_users, n_days, np.log(catalogue.duration_s[e_item]).astype(np.float64)
        ),
        user_topic_engaged=user_topic.reshape(n_days + 1, n_users, n_topics),
        user_content=user_content,
        topic_impressions=_cumulative(day, catalogue.topic[item].astype(np.int64), n_topics, n_days),
        topic_engaged=_cumulative(day, catalogue.topic[item].astype(np.int64), n_topics, n_days, eng),
        global_rate=global_rate.astype(np.float32),
    )


def _rate(engaged: np.ndarray, impressions: np.ndarray, prior: np.ndarray | float) -> np.ndarray:
    return (engaged + SMOOTHING * prior) / (impressions + SMOOTHING)


def ranking_features(
    snap: Snapshots,
    catalogue: Catalogue,
    day: np.ndarray | int,
    user: np.ndarray | int,
    item: np.ndarray,
    time: np.ndarray | float,
    position: np.ndarray | int,
    columns: tuple[str, ...] = FEATURES,
) -> np.ndarray:
    """The ranking feature matrix, one row per (user, item), as of the start of `day`, with the
    `columns` asked for (every feature by default) in that order. `day`, `user`, `time` and
    `position` are per row for training rows, or single values for one request. Only what the
    columns need is computed, so the pre-ranker's few columns cost a fraction of the whole."""
    rows = _Rows(snap, catalogue, day, user, item, time, position)
    return np.column_stack([np.broadcast_to(_COLUMNS[name](rows), item.shape) for name in columns]).astype(
        np.float32
    )


class _Rows:
    """The aggregates the columns are made of, each looked up once when a column needs it."""

    def __init__(
        self,
        snap: Snapshots,
        catalogue: Catalogue,
        day: np.ndarray | int,
        user: np.ndarray | int,
        item: np.ndarray,
        time: np.ndarray | float,
        position: np.ndarray | int,
    ) -> None:
        self.snap, self.catalogue, self.day, self.user, self.item = snap, catalogue, day, user, item
        self.time, self.position = time, position
        self.yesterday = np.maximum(np.asarray(day) - 1, 0)
        self.three_days_ago = np.maximum(np.asarray(day) - 3, 0)

    @cached_property
    def prior(self) -> np.ndarray:
        return np.asarray(self.snap.global_rate[self.day])

    @cached_property
    def user_impressions(self) -> np.ndarray:
        return np.asarray(self.snap.user_impressions[self.day, self.user])

    @cached_property
    def user_engaged(self) -> np.ndarray:
        return np.asarray(self.snap.user_engaged[self.day, self.user])

    @cached_property
    def user_rate(self) -> np.ndarray:
        return _rate(self.user_engaged, self.user_impressions, self.prior)

    @cached_property
    def user_mean_log_duration(self) -> np.ndarray:
        total = self.snap.user_log_duration[self.day, self.user] + PRIOR_LOG_DURATION
        return np.asarray(total / (self.user_engaged + 1.0))

    @cached_property
    def user_topics(self) -> np.ndarray:
        """The user's engagements per topic: (n_topics,) for one request, (n, n_topics) for rows."""
        return np.asarray(self.snap.user_topic_engaged[self.day, self.user])

    @cached_property
    def topic(self) -> np.ndarray:
        return np.asarray(self.catalogue.topic[self.item])

    @cached_property
    def topic_engaged(self) -> np.ndarray:
        return np.asarray(self.snap.user_topic_engaged[self.day, self.user, self.topic])

    @cached_property
    def topic_share(self) -> np.ndarray:
        return (self.topic_engaged + 1.0 / self.catalogue.n_topics) / (self.user_engaged + 1.0)

    @cached_property
    def item_impressions(self) -> np.ndarray:
        return np.asarray(self.snap.item_impressions[self.day, self.item])

    @cached_property
    def item_engaged(self) -> np.ndarray:
        return np.asarray(self.snap.item_engaged[self.day, self.item])

    @cached_property
    def item_rate(self) -> np.ndarray:
        return _rate(self.item_engaged, self.item_impressions, self.prior)

    @cached_property
    def item_clicks(self) -> np.ndarray:
        return np.asarray(self.snap.item_clicks[self.day, self.item])

    @cached_property
    def recent_impressions(self) -> np.ndarray:
        return np.asarray(self.item_impressions - self.snap.item_impressions[self.yesterday, self.item])

    @cached_property
    def recent_engaged(self) -> np.ndarray:
        return np.asarray(self.item_engaged - self.snap.item_engaged[self.yesterday, self.item])

    @cached_property
    def recent_rate(self) -> np.ndarray:
        return _rate(self.recent_engaged, self.recent_impressions, self.item_rate)

    @cached_property
    def age_days(self) -> np.ndarray:
        return np.asarray(np.asarray(self.time) - self.catalogue.upload_time[self.item])

    @cached_property
    def log_duration(self) -> np.ndarray:
        return np.asarray(np.log(self.catalogue.duration_s[self.item]))

    @cached_property
    def creator(self) -> np.ndarray:
        return np.asarray(self.catalogue.creator[self.item])

    @cached_property
    def affinity(self) -> np.ndarray:
        user_content = self.snap.user_content[self.day, self.user]
        content = self.catalogue.content[self.item]
        dot = (
            content @ user_content
            if np.ndim(self.user) == 0
            else np.einsum("ij,ij->i", content, user_content)
        )
        return np.asarray(dot / (np.linalg.norm(user_content, axis=-1) + 1e-9))

    def topic_entropy(self) -> np.ndarray:
        share = (self.user_topics + 1e-3) / (
            self.user_topics.sum(axis=-1, keepdims=True) + 1e-3 * self.user_topics.shape[-1]
        )
        entropy: np.ndarray = -(share * np.log(share)).sum(axis=-1)
        return entropy

    def is_top_topic(self) -> np.ndarray:
        top = self.user_topics.max(axis=-1)
        return np.asarray(((self.topic_engaged >= top) & (top > 0)).astype(np.float32))


_COLUMNS: dict[str, Callable[[_Rows], np.ndarray | float | int]] = {
    "position": lambda r: r.position,
    "hour": lambda r: np.asarray(r.time) % 1.0 * 24.0,
    "hour_sin": lambda r: np.sin(2 * np.pi * (np.asarray(r.time) % 1.0)),
    "hour_cos": lambda r: np.cos(2 * np.pi * (np.asarray(r.time) % 1.0)),
    "user_log_impressions": lambda r: np.log1p(r.user_impressions),
    "user_log_engaged": lambda r: np.log1p(r.user_engaged),
    "user_engage_rate": lambda r: r.user_rate,
    "user_mean_log_duration": lambda r: r.user_mean_log_duration,
    "user_topic_entropy": lambda r: r.topic_entropy(),
    "item_log_impressions": lambda r: np.log1p(r.item_impressions),
    "item_log_engaged": lambda r: np.log1p(r.item_engaged),
    "item_engage_rate": lambda r: r.item_rate,
    "item_log_clicks": lambda r: np.log1p(r.item_clicks),
    "item_click_rate": lambda r: _rate(r.item_clicks, r.item_impressions, r.prior),
    "item_mean_watch": lambda r: (r.snap.item_watch[r.day, r.item] + 0.5) / (r.item_clicks + 1.0),
    "item_watch_per_impression": lambda r: (
        r.snap.item_watch[r.day, r.item] / (r.item_impressions + SMOOTHING)
    ),
    "item_recent_log_impressions": lambda r: np.log1p(r.recent_impressions),
    "item_recent_log_engaged": lambda r: np.log1p(r.recent_engaged),
    "item_recent_engage_rate": lambda r: r.recent_rate,
    "item_trend": lambda r: r.recent_rate / r.item_rate,
    "item_3day_log_engaged": lambda r: np.log1p(
        r.item_engaged - r.snap.item_engaged[r.three_days_ago, r.item]
    ),
    "item_age_days": lambda r: r.age_days,
    "item_log_age": lambda r: np.log1p(np.maximum(r.age_days, 0.0)),
    "item_is_fresh": lambda r: (r.age_days < 1.0).astype(np.float32),
    "item_log_duration": lambda r: r.log_duration,
    "creator_log_impressions": lambda r: np.log1p(r.snap.creator_impressions[r.day, r.creator]),
    "creator_log_engaged": lambda r: np.log1p(r.snap.creator_engaged[r.day, r.creator]),
    "creator_engage_rate": lambda r: _rate(
        r.snap.creator_engaged[r.day, r.creator], r.snap.creator_impressions[r.day, r.creator], r.prior
    ),
    "topic_engage_rate": lambda r: _rate(
        r.snap.topic_engaged[r.day, r.topic], r.snap.topic_impressions[r.day, r.topic], r.prior
    ),
    "topic_log_impressions": lambda r: np.log1p(r.snap.topic_impressions[r.day, r.topic]),
    "user_topic_share": lambda r: r.topic_share,
    "user_topic_log_engaged": lambda r: np.log1p(r.topic_engaged),
    "is_users_top_topic": lambda r: r.is_top_topic(),
    "content_affinity": lambda r: r.affinity,
    "duration_gap": lambda r: r.log_duration - r.user_mean_log_duration,
    "abs_duration_gap": lambda r: np.abs(r.log_duration - r.user_mean_log_duration),
    "topic_share_x_item_rate": lambda r: r.topic_share * r.item_rate,
    "affinity_x_item_rate": lambda r: r.affinity * r.item_rate,
    "user_rate_x_item_rate": lambda r: r.user_rate * r.item_rate,
    "affinity_x_recent_rate": lambda r: r.affinity * r.recent_rate,
}
assert tuple(_COLUMNS) == FEATURES


def user_tower_inputs(snap: Snapshots, day: np.ndarray | int, user: np.ndarray | int) -> np.ndarray:
    """What the two-tower's user tower reads: the mean content and the topic mix of what the user
    engaged with before `day`. All zeros for a user with no history yet."""
    engaged = np.maximum(snap.user_engaged[day, user], 1.0)[..., None]
    return np.concatenate(
        [snap.user_content[day, user] / engaged, snap.user_topic_engaged[day, user] / engaged], axis=-1
    ).astype(np.float32)


class OnlineStore:
    """The serving copy of one snapshot: what Redis holds for the request path.

    At scale each user's and item's features are a hash keyed by id, refreshed by the batch job;
    here they are rows of the snapshot arrays, read by index."""

    def __init__(self, snap: Snapshots, catalogue: Catalogue, log: ImpressionLog, day: int) -> None:
        self.snap, self.catalogue, self.day = snap, catalogue, day
        seen = log.select(log.click & (log.day < day))
        order = np.argsort(seen.user, kind="stable")
        self._seen_items = seen.item[order]
        self._seen_start = np.concatenate(
            [[0], np.cumsum(np.bincount(seen.user, minlength=snap.user_engaged.shape[1]))]
        )

    def seen(self, user: int) -> np.ndarray:
        """Items the user already watched (the seen filter; a Bloom filter in production)."""
        return self._seen_items[self._seen_start[user] : self._seen_start[user + 1]]

    def has_history(self, user: int) -> bool:
        return bool(self.snap.user_engaged[self.day, user] > 0)

    def user_tower_input(self, user: int | np.ndarray) -> np.ndarray:
        return user_tower_inputs(self.snap, self.day, user)

    def features(
        self, user: int, items: np.ndarray, time: float, columns: tuple[str, ...] = FEATURES
    ) -> np.ndarray:
        return ranking_features(self.snap, self.catalogue, self.day, user, items, time, 0, columns)
