"""Load MovieLens ratings you already have (`ratings.dat` from ML-1M or `u.data` from ML-100K) as a
world the pipeline can run on.

Blueprint: `impression-log` fed from real data (framework step: data). Nothing is downloaded.
MovieLens has no impressions, positions, creators or durations, so the mapping is:

- every rating is a logged impression that was clicked, watched to rating / 5, and "engaged"
  when the rating is 4 or 5;
- the timeline is cut at rating-count quantiles into the same days as a synthetic world: a
  warm-up day, training days, the held-out evaluation day, and a drift day (real time drift);
- the topic is a film's first genre when `movies.dat` or `u.item` is present, content is its
  genre vector, and each film is its own creator (so the creator embedding acts as an item-ID
  embedding and the creator cap never binds).

There is no oracle: models are judged on the held-out logs only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mlsd_coach.errors import BadInputError
from mlsd_coach.pipeline.data import Catalogue, ImpressionLog, Timeline, World

LAST_TRAIN_DAY = 3
MIN_RATINGS = 500
DURATION_S = 6000.0  # unknown for films: one value for all


def find_ratings(directory: Path) -> Path:
    if not directory.is_dir():
        raise BadInputError(f"{directory} is not a directory: pass the folder holding ratings.dat or u.data")
    for name in ("ratings.dat", "u.data"):
        if (directory / name).is_file():
            return directory / name
    raise BadInputError(
        f"{directory} has no ratings.dat or u.data: pass the folder of an unpacked MovieLens download"
    )


def _read_table(path: Path, separator: str, columns: int) -> list[list[str]]:
    text = path.read_text(encoding="latin-1")
    rows = [line.split(separator) for line in text.splitlines() if line.strip()]
    if any(len(row) < columns for row in rows):
        raise BadInputError(
            f"{path.name}: expected {columns} fields separated by {separator!r} on every line"
        )
    return rows


def _read_ratings(path: Path) -> np.ndarray:
    separator = "::" if path.name == "ratings.dat" else "\t"
    try:
        table = np.array([row[:4] for row in _read_table(path, separator, 4)], dtype=np.int64)
    except ValueError as err:
        raise BadInputError(
            f"{path.name}: user, item, rating and timestamp must be integers ({err})"
        ) from None
    if len(table) < MIN_RATINGS:
        raise BadInputError(
            f"{path.name} has {len(table)} ratings; the pipeline needs at least {MIN_RATINGS}"
        )
    return table


def _read_genres(directory: Path) -> dict[int, list[str]]:
    """Genres per raw movie id, from movies.dat (ML-1M) or u.item (ML-100K), if either is there."""
    if (directory / "movies.dat").is_file():
        rows = _read_table(directory / "movies.dat", "::", 3)
        return {int(row[0]): row[2].strip().split("|") for row in rows}
    if (directory / "u.item").is_file():
        rows = _read_table(directory / "u.item", "|", 6)
        return {
            int(row[0]): [str(k) for k, flag in enumerate(row[5:]) if flag.strip() == "1"] for row in rows
        }
    return {}


def load_movielens(directory: Path) -> World:
    path = find_ratings(directory)
    raw = _read_ratings(path)
    raw = raw[np.argsort(raw[:, 3], kind="stable")]
    user_ids, user = np.unique(raw[:, 0], return_inverse=True)
    item_ids, item = np.unique(raw[:, 1], return_inverse=True)
    rating = raw[:, 2]
    timeline = Timeline(LAST_TRAIN_DAY)
    time = np.arange(len(raw)) / len(raw) * timeline.n_days  # equal numbers of ratings per day
    request = np.unique(np.floor(time).astype(np.int64) * len(user_ids) + user, return_inverse=True)[1]
    log = ImpressionLog(
        request=request.astype(np.int64),
        user=user.astype(np.int32),
        item=item.astype(np.int32),
        time=time,
        position=np.zeros(len(raw), dtype=np.int16),
        click=np.ones(len(raw), dtype=bool),
        watch_fraction=(rating / 5.0).astype(np.float32),
        engaged=rating >= 4,
    )
    catalogue = _catalogue(item_ids, item, time, _read_genres(directory))
    name = f"movielens: {path} ({len(raw):,} ratings)"
    return World(name, catalogue, len(user_ids), log, timeline, oracle=None)


def _catalogue(
    item_ids: np.ndarray, item: np.ndarray, time: np.ndarray, genres: dict[int, list[str]]
) -> Catalogue:
    n_items = len(item_ids)
    names = sorted({g for raw_id in item_ids for g in genres.get(int(raw_id), [])})
    index = {g: k for k, g in enumerate(names)}
    content = np.zeros((n_items, len(names)), dtype=np.float32)
    topic = np.zeros(n_items, dtype=np.int32)
    for k, raw_id in enumerate(item_ids):
        film = genres.get(int(raw_id), [])
        for g in film:
            content[k, index[g]] = 1.0
        topic[k] = index[film[0]] if film else 0
    content /= np.maximum(np.linalg.norm(content, axis=1, keepdims=True), 1e-9)
    first_rating = np.full(n_items, np.inf)
    np.minimum.at(first_rating, item, time)
    return Catalogue(
        topic=topic,
        creator=np.arange(n_items, dtype=np.int32),
        content=content,
        duration_s=np.full(n_items, DURATION_S, dtype=np.float32),
        upload_time=first_rating,
        explicit=np.zeros(n_items, dtype=bool),
        n_topics=max(len(names), 1),
        n_creators=n_items,
    )
