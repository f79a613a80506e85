"""Vectorized drawing helpers shared by the source-system modules.

Everything works on whole arrays (one element per event) so that tens of millions of
rows are drawn without Python loops. Days are integer days since 1970-01-01.
"""

from __future__ import annotations

import numpy as np

SECONDS_PER_DAY = 86_400


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function (probability from log-odds)."""
    return 1.0 / (1.0 + np.exp(-x))


def expand_counts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One (row, column) pair per event from an (n, J) array of event counts.

    Events come out in row-major order: all events of partner 0 (quarter by quarter),
    then partner 1, ...
    """
    n_cols = counts.shape[1]
    flat = np.asarray(counts, dtype=np.int64).ravel()
    cell = np.repeat(np.arange(flat.size, dtype=np.int64), flat)
    return cell // n_cols, cell % n_cols


def draw_category(rng: np.random.Generator, shares: tuple[float, ...] | np.ndarray,
                  n: int) -> np.ndarray:
    """``n`` category codes drawn with probabilities ``shares`` (one row per draw if
    ``shares`` is 2-D)."""
    cum = np.cumsum(np.asarray(shares, dtype=np.float64), axis=-1)
    cum = cum / cum[..., -1:]
    u = rng.random(n)
    codes = (u[:, None] > (cum if cum.ndim == 2 else cum[None, :])).sum(axis=1)
    return np.minimum(codes, cum.shape[-1] - 1)


def uniform_day(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A day drawn uniformly from ``[low, high]`` (both inclusive), elementwise."""
    span = np.maximum(high - low + 1, 1)
    return low + np.floor(rng.random(low.shape[0]) * span).astype(np.int64)


def pick_in_groups(
    rng: np.random.Generator,
    item_group: np.ndarray,
    item_value: np.ndarray,
    query_group: np.ndarray,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """For each query, a uniformly chosen item of the same group.

    Returns ``(values, found)``; where the query's group has no item, ``found`` is False
    and the value is undefined (the first item or 0). Used to attach a ticket to one of
    the partner's active accounts, or a dispute to one of its closed deals.
    """
    order = np.argsort(item_group, kind="stable")
    sorted_values = item_value[order]
    counts = np.bincount(item_group, minlength=n_groups)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    n = counts[query_group]
    found = n > 0
    pick = offsets[query_group] + np.floor(rng.random(query_group.shape[0]) * n).astype(np.int64)
    if sorted_values.size == 0:
        return np.zeros(query_group.shape[0], dtype=item_value.dtype), found
    pick = np.where(found, pick, 0)
    return sorted_values[pick], found


def group_median(keys: np.ndarray, values: np.ndarray, n_keys: int) -> np.ndarray:
    """Median of ``values`` per integer key in ``[0, n_keys)``; NaN where a key is empty.

    An even count gives the mean of the two middle values (as ``pandas.median``).
    """
    out = np.full(n_keys, np.nan)
    if keys.size == 0:
        return out
    order = np.lexsort((values, keys))
    k = keys[order]
    v = values[order].astype(np.float64)
    counts = np.bincount(k, minlength=n_keys)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts > 0
    lo = starts + (counts - 1) // 2
    hi = starts + counts // 2
    out[has] = (v[lo[has]] + v[hi[has]]) / 2.0
    return out


def effect_at(schedule: tuple[float, ...], event_time: np.ndarray) -> np.ndarray:
    """Planted effect for quarters since start ``e`` (schedule[-1] for e beyond it)."""
    table = np.asarray(schedule, dtype=np.float64)
    return table[np.clip(event_time, 0, table.size - 1)]
