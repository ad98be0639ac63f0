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

from dataclasses import dataclass

import numpy as np

from mlsd_coach.pipeline.data import Catalogue, ImpressionLog

SMOOTHING = 20.0  # pseudo-impressions that pull a rarely seen entity's rate to the global rate
PRIOR_LOG_DURATION = float(np.log(40.0))  # for users who have not finished a video yet

FEATURES = (
    "position",  # context: the slot it was shown in; 0 at serving (position-bias correction)
    "hour",  # context
    "user_log_impressions",
    "user_engage_rate",
    "user_mean_log_duration",
    "item_log_impressions",
    "item_log_engaged",
    "item_engage_rate",
    "item_mean_watch",
    "item_age_days",
    "item_log_duration",
    "creator_engage_rate",
    "user_topic_share",  # cross: how much of the user's engagement is on this item's topic
    "content_affinity",  # cross: cosine of the user's watched content and this item's content
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
) -> np.ndarray:
    """The ranking feature matrix, one row per (user, item), as of the start of `day`, columns in
    the order of `FEATURES`. `day`, `user`, `time` and `position` are per row for training rows,
    or single values for one request."""
    prior = snap.global_rate[day]
    user_impressions, user_engaged = snap.user_impressions[day, user], snap.user_engaged[day, user]
    item_impressions, item_engaged = snap.item_impressions[day, item], snap.item_engaged[day, item]
    creator = catalogue.creator[item]
    user_content = snap.user_content[day, user]
    content_dot = (
        catalogue.content[item] @ user_content
        if np.ndim(user) == 0
        else np.einsum("ij,ij->i", catalogue.content[item], user_content)
    )
    topic_engaged = snap.user_topic_engaged[day, user, catalogue.topic[item]]
    columns = {
        "position": position,
        "hour": np.asarray(time) % 1.0 * 24.0,
        "user_log_impressions": np.log1p(user_impressions),
        "user_engage_rate": _rate(user_engaged, user_impressions, prior),
        "user_mean_log_duration": (snap.user_log_duration[day, user] + PRIOR_LOG_DURATION)
        / (user_engaged + 1.0),
        "item_log_impressions": np.log1p(item_impressions),
        "item_log_engaged": np.log1p(item_engaged),
        "item_engage_rate": _rate(item_engaged, item_impressions, prior),
        "item_mean_watch": (snap.item_watch[day, item] + 0.5) / (snap.item_clicks[day, item] + 1.0),
        "item_age_days": np.asarray(time) - catalogue.upload_time[item],
        "item_log_duration": np.log(catalogue.duration_s[item]),
        "creator_engage_rate": _rate(
            snap.creator_engaged[day, creator], snap.creator_impressions[day, creator], prior
        ),
        "user_topic_share": (topic_engaged + 1.0 / catalogue.n_topics) / (user_engaged + 1.0),
        "content_affinity": content_dot / (np.linalg.norm(user_content, axis=-1) + 1e-9),
    }
    return np.column_stack([np.broadcast_to(columns[name], item.shape) for name in FEATURES]).astype(
        np.float32
    )


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

    def features(self, user: int, items: np.ndarray, time: float) -> np.ndarray:
        return ranking_features(self.snap, self.catalogue, self.day, user, items, time, 0)
