"""The MovieLens loader reads both file formats a user may already have, and the pipeline runs on
real-format data without an oracle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlsd_coach.errors import BadInputError
from mlsd_coach.pipeline.movielens import load_movielens
from mlsd_coach.pipeline.run import RunConfig, run_pipeline

GENRES = ["Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi"]


def write_movielens(directory: Path, layout: str, n_users: int = 150, n_items: int = 120, seed: int = 0):
    """Ratings where users prefer one genre; returns (user, item, rating, timestamp) rows as written."""
    rng = np.random.default_rng(seed)
    item_genre = rng.integers(0, len(GENRES), n_items)
    user_genre = rng.integers(0, len(GENRES), n_users)
    pairs = {
        (int(u), int(i))
        for u, i in zip(rng.integers(1, n_users + 1, 6000), rng.integers(1, n_items + 1, 6000), strict=True)
    }
    rows = []
    for k, (user, item) in enumerate(sorted(pairs)):
        liked = item_genre[item - 1] == user_genre[user - 1]
        rating = int(np.clip(round(3 + 1.5 * liked + rng.normal()), 1, 5))
        rows.append((user, item, rating, 956_700_000 + int(rng.integers(0, 90_000_000)) + k))
    if layout == "ml-1m":
        (directory / "ratings.dat").write_text("".join(f"{u}::{i}::{r}::{t}\n" for u, i, r, t in rows))
        films = "".join(
            f"{i}::Film {i} (1999)::{GENRES[item_genre[i - 1]]}|Drama\n" for i in range(1, n_items + 1)
        )
        (directory / "movies.dat").write_text(films, encoding="latin-1")
    else:
        (directory / "u.data").write_text("".join(f"{u}\t{i}\t{r}\t{t}\n" for u, i, r, t in rows))
    return rows


@pytest.mark.parametrize("layout", ["ml-1m", "ml-100k"])
def test_loader_reads_ratings_in_both_formats(tmp_path, layout):
    rows = write_movielens(tmp_path, layout)
    world = load_movielens(tmp_path)
    users, items, ratings, stamps = (np.array(column) for column in zip(*rows, strict=True))
    assert world.oracle is None
    assert world.n_users == len(np.unique(users)) and world.catalogue.n_items == len(np.unique(items))
    assert len(world.log) == len(rows)
    assert world.log.engaged.sum() == (ratings >= 4).sum()
    # ordered by time, cut into equal days: warm-up, training, evaluation and drift
    assert np.all(np.diff(world.log.time) >= 0)
    assert set(np.unique(world.log.day)) == set(range(world.timeline.n_days))
    first = np.argmin(stamps)
    assert world.log.watch_fraction[0] == pytest.approx(ratings[first] / 5)
    expected_topics = len(set(GENRES)) if layout == "ml-1m" else 1
    assert world.catalogue.n_topics == expected_topics


@pytest.mark.slow
def test_pipeline_runs_on_movielens_and_judges_on_held_out_logs(tmp_path):
    write_movielens(tmp_path, "ml-100k")
    report = run_pipeline(RunConfig(movielens=tmp_path, eval_users=50))
    assert report.world["has_oracle"] is False
    for row in report.metrics["ranking"].values():
        assert "ndcg_at_10_oracle" not in row and 0.0 <= row["auc_held_out"] <= 1.0
    assert report.metrics["pages"]["reranked"]["violations"] == 0


def test_folder_without_ratings_is_bad_input(tmp_path):
    (tmp_path / "movies.dat").write_text("1::Film::Drama\n")
    with pytest.raises(BadInputError, match="no ratings.dat or u.data"):
        load_movielens(tmp_path)


def test_malformed_ratings_are_bad_input(tmp_path):
    (tmp_path / "u.data").write_text("1\t2\tfive\t3\n" * 600)
    with pytest.raises(BadInputError, match="must be integers"):
        load_movielens(tmp_path)
