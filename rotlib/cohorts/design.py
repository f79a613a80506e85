"""Design matrices for the cohort models: intercept, cohort dummies, covariates.

Why hand-built and not a formula: the same partner-level covariates are repeated on
up to millions of deals, so the matrix is built once per partner and indexed by the
partner code of each unit. Two problems are handled here, before a model sees the data,
so that a fit never returns a fake number:

* **Cells that carry no information.** When every unit in one covariate group has the
  same binary outcome (all won, or none) or no events at all, the maximum-likelihood
  coefficient of that group is infinite. The cohort coefficient is still defined: it is
  the limit in which that group's units drop out. We drop them openly and say so.
* **Collinearity.** Covariate columns that add nothing (a level absent in this window)
  are dropped. If the cohort dummies are fully explained by the covariates (say, every
  large partner is above the threshold and every small one below), the adjusted cohort
  difference is not identified and the caller is told so.

Categorical covariates use their most frequent level among the units as reference
(the cohort coefficient does not depend on that choice).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rotlib.cohorts.cohorts import Cohorts


@dataclass(frozen=True)
class Design:
    """A model matrix over the kept units; ``cohort_column[level]`` indexes its dummy."""

    X: np.ndarray
    names: tuple[str, ...]
    keep: np.ndarray  # bool mask over the units passed in
    cohort_column: dict[str, int]
    identified: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)


#: A covariate over the model rows: (name, integer codes or numeric values, level
#: names for a categorical covariate or None for a numeric one).
Block = tuple[str, np.ndarray, tuple[str, ...] | None]


def _covariate_blocks(cohorts: Cohorts, partner: np.ndarray) -> list[Block]:
    blocks = []
    for col in cohorts.covariates:
        values, levels = cohorts.covariate_codes[col]
        blocks.append((col, values[partner], levels))
    return blocks


def _uninformative_cells(
    blocks: list[Block], total: np.ndarray, trials: np.ndarray, kind: str, keep: np.ndarray,
) -> tuple[np.ndarray, list[str]]:
    """Drop rows in covariate groups whose outcome cannot move (see module doc)."""
    notes: list[str] = []
    if kind not in ("binary", "count"):
        return keep, notes
    changed = True
    while changed:
        changed = False
        for col, codes, levels in blocks:
            if levels is None:
                continue
            k = codes[keep]
            n = np.bincount(k, weights=trials[keep], minlength=len(levels))
            s = np.bincount(k, weights=total[keep], minlength=len(levels))
            present = n > 0
            if present.sum() < 2:
                continue
            bad = present & ((s == 0) | (s == n)) if kind == "binary" else present & (s == 0)
            if bad.any() and not bad[present].all():
                what = "all the same outcome" if kind == "binary" else "no events"
                for b in np.flatnonzero(bad):
                    notes.append(f"{col}={levels[b]} ({int(n[b])} units, {what}) carries no "
                                 "information once it is adjusted for; its units were left "
                                 "out of the adjusted model")
                keep = keep & ~np.isin(codes, np.flatnonzero(bad))
                changed = True
    return keep, notes


def build_design(
    cohorts: Cohorts,
    partner: np.ndarray,
    total: np.ndarray,
    trials: np.ndarray,
    levels: tuple[str, ...],
    *,
    adjusted: bool,
    kind: str,
) -> Design:
    """Model matrix for rows of ``partner`` (codes) comparing ``levels[1:]`` with
    ``levels[0]`` (the reference); covariates when ``adjusted``.

    Rows are usually one per partner: ``total`` is the partner's sum of the outcome
    (wins, escalations, days) over ``trials`` units. ``kind`` is ``"binary"``,
    ``"count"`` or ``"amount"`` (which cells are dropped). Rows whose cohort is not in
    ``levels`` are dropped (``keep`` says which stay).
    """
    code_of = {lv: i for i, lv in enumerate(cohorts.levels)}
    unit_level = cohorts.level_code[partner]
    keep = np.isin(unit_level, [code_of[lv] for lv in levels])
    notes: list[str] = []
    blocks = _covariate_blocks(cohorts, partner) if adjusted else []
    if blocks:
        keep, notes = _uninformative_cells(blocks, np.asarray(total, float),
                                           np.asarray(trials, float), kind, keep)

    ul = unit_level[keep]
    cols: list[np.ndarray] = [np.ones(ul.size)]
    cov_cols: list[np.ndarray] = []
    cov_names: list[str] = []
    for col, values, names in blocks:
        v = values[keep]
        if names is not None:
            counts = np.bincount(v, minlength=len(names))
            # most frequent level is the reference; ties broken by name (stable result)
            order = sorted(np.flatnonzero(counts), key=lambda c: (-counts[c], names[c]))
            for c in order[1:]:
                cov_cols.append((v == c).astype(float))
                cov_names.append(f"{col}[{names[c]}]")
        else:
            cov_cols.append(v.astype(float))
            cov_names.append(col)

    # add covariate columns greedily, keeping those that add rank, then the cohort dummies
    coh_cols = [(ul == code_of[lv]).astype(float) for lv in levels[1:]]
    candidate = np.column_stack([cols[0], *cov_cols, *coh_cols]) if ul.size else np.zeros(
        (0, 1 + len(cov_cols) + len(coh_cols)))
    gram = candidate.T @ candidate
    chosen = [0]
    rank = _rank(gram, chosen)
    for j in range(1, 1 + len(cov_cols)):
        r = _rank(gram, [*chosen, j])
        if r > rank:
            chosen.append(j)
            rank = r
    identified = True
    cohort_column: dict[str, int] = {}
    first_cohort = 1 + len(cov_cols)
    cov_kept = list(chosen[1:])
    for i, lv in enumerate(levels[1:]):
        j = first_cohort + i
        r = _rank(gram, [*chosen, j])
        if r > rank:
            chosen.append(j)
            rank = r
        else:
            identified = False
            notes.append(f"cohort '{lv}' is fully explained by the covariates in this window "
                         "(no within-group comparison exists)")
    # present columns as const, cohort dummies, covariates
    order = [0] + [j for j in chosen if j >= first_cohort] + cov_kept
    all_names = ["const", *cov_names, *[f"cohort[{lv}]" for lv in levels[1:]]]
    X = candidate[:, order]
    final_names = tuple(all_names[j] for j in order)
    for lv in levels[1:]:
        name = f"cohort[{lv}]"
        if name in final_names:
            cohort_column[lv] = final_names.index(name)
    return Design(X=X, names=final_names, keep=keep, cohort_column=cohort_column,
                  identified=identified, notes=tuple(notes))


def _rank(gram: np.ndarray, idx: list[int]) -> int:
    sub = gram[np.ix_(idx, idx)]
    if sub.size == 0:
        return 0
    # scale to a correlation-like matrix so the tolerance does not depend on units
    d = np.sqrt(np.clip(np.diag(sub), 1e-300, None))
    scaled = sub / np.outer(d, d)
    w = np.linalg.eigvalsh(scaled)
    return int((w > 1e-9 * max(1.0, w.max())).sum())
