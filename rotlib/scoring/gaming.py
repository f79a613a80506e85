"""Hard to game: flag implausible quarter-over-quarter jumps, and carry evidence grades.

A jump is judged against how everyone else moved in the same quarter, with a robust
z-score (Iglewicz and Hoaglin's modified z): ``z = (d - median(d)) / (1.4826 * MAD)``
where ``d`` is the change of the metric's *adjusted* value since the partner's previous
quarter and the median and MAD (median absolute deviation) are over all partners with a
change that quarter. Adjusted (shrunk) values are used so that the noise of tiny samples
(0 of 1 then 2 of 2) does not raise flags; median and MAD so that the flagged jumps do
not hide themselves by inflating the spread. When MAD is 0 (most partners did not move)
the mean absolute deviation times 1.2533 is used instead; when that is 0 too, no jump
is flagged.

Only jumps in the *good* direction are flagged (a sudden improvement is what gaming
produces; sudden deteriorations are risk signals shown elsewhere). The z-score is
reported signed by direction: positive = improvement.

Evidence grades (system record, audited, self-reported) come from the registry, can be
overridden per metric in the config, and are shown beside every metric value so that a
reader can weigh a self-reported number accordingly.
"""

from __future__ import annotations

import numpy as np

_MAD_SCALE = 1.4826
_MEANAD_SCALE = 1.2533


def robust_jump_z(
    values: np.ndarray, prev_row: np.ndarray, quarter_index: np.ndarray, higher_is_better: bool,
    groups: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Direction-signed robust z-score of each row's change since its previous quarter.

    ``groups`` (row positions per quarter, from :func:`quarter_groups`) can be passed to
    avoid recomputing them for every metric.
    """
    v = np.asarray(values, dtype=float)
    d = np.where(prev_row >= 0, v - v[np.maximum(prev_row, 0)], np.nan)
    if not higher_is_better:
        d = -d
    z = np.full(d.size, np.nan)
    for rows in groups if groups is not None else quarter_groups(quarter_index):
        dq = d[rows]
        dq = dq[~np.isnan(dq)]
        if dq.size == 0:
            continue
        med = np.median(dq)
        dev = np.abs(dq - med)
        scale = np.median(dev) * _MAD_SCALE
        if scale <= 0:
            scale = dev.mean() * _MEANAD_SCALE
        if scale > 0:
            z[rows] = (d[rows] - med) / scale
    return z


def quarter_groups(quarter_index: np.ndarray) -> list[np.ndarray]:
    """Row positions of each quarter (one stable sort, then contiguous slices)."""
    order = np.argsort(quarter_index, kind="stable")
    sorted_q = quarter_index[order]
    cuts = np.flatnonzero(np.diff(sorted_q)) + 1
    return np.split(order, cuts)


def jump_flags(z: dict[str, np.ndarray], threshold: float) -> np.ndarray:
    """Comma-separated ids of the metrics whose jump z exceeds ``threshold`` (per row)."""
    n = len(next(iter(z.values()))) if z else 0
    out = np.full(n, "", dtype=object)
    for metric_id, values in z.items():
        hit = np.flatnonzero(np.nan_to_num(values, nan=-np.inf) > threshold)
        for i in hit:
            out[i] = f"{out[i]},{metric_id}" if out[i] else metric_id
    return out
