"""The data-quality report: a plain-text summary and a safe HTML section.

Input is the ``quality`` frame of :class:`~rotlib.validation.ValidationResult`: per
table a ``level == "table"`` row (rows read, accepted, quarantined, blank rows skipped,
quarters covered) followed by one ``level == "rule"`` row per rule in waterfall order
(rows entering the rule, passing it, quarantined by it, and ``failures``: rows failing
it, including rows an earlier rule already quarantined). Rows read = accepted +
quarantined on every line.

Everything shown is escaped: file names, warnings and rule descriptions can carry
text from the exports (a partner named ``<script>``), and this fragment is embedded in
reports that leadership opens in a browser.
"""

from __future__ import annotations

import html

import pandas as pd

_COUNTS = ("rows_read", "rows_accepted", "rows_quarantined")


def _fmt(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (int,)) or (hasattr(value, "is_integer") and float(value).is_integer()):
        return f"{int(value):,}"
    return str(value)


def _esc(value) -> str:
    return html.escape(_fmt(value), quote=True)


def tables_summary(quality: pd.DataFrame) -> pd.DataFrame:
    """One row per table: read, accepted, quarantined and the share quarantined."""
    t = quality[quality["level"] == "table"].copy()
    share = t["rows_quarantined"].astype("float64") / t["rows_read"].astype("float64")
    t["share_quarantined"] = share.where(t["rows_read"] > 0)
    return t[["table", "description", *_COUNTS, "share_quarantined", "blank_rows_skipped",
              "first_quarter", "last_quarter"]].reset_index(drop=True)


def rules_with_failures(quality: pd.DataFrame) -> pd.DataFrame:
    """The rule lines that caught something, in waterfall order."""
    r = quality[(quality["level"] == "rule") & (quality["failures"] > 0)]
    return r[["table", "rule", "description", *_COUNTS, "failures"]].reset_index(drop=True)


def quality_text(quality: pd.DataFrame, warnings: list[str] | None = None) -> str:
    """A terminal summary: one line per table, then the rules that fired."""
    lines = ["Data quality (rows read = accepted + quarantined):"]
    summary = tables_summary(quality)
    width = max([len(t) for t in summary["table"]] + [5])
    lines.append(f"  {'table':<{width}}  {'read':>12}  {'accepted':>12}  {'quarantined':>12}")
    for row in summary.itertuples():
        lines.append(f"  {row.table:<{width}}  {_fmt(row.rows_read):>12}  "
                     f"{_fmt(row.rows_accepted):>12}  {_fmt(row.rows_quarantined):>12}")
    fired = rules_with_failures(quality)
    if len(fired):
        lines.append("Rules that quarantined rows (first failing rule counts):")
        for row in fired.itertuples():
            lines.append(f"  {row.table}.{row.rule}: {_fmt(row.rows_quarantined)} quarantined, "
                         f"{_fmt(row.failures)} failing")
    for w in warnings or []:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


def _table(frame: pd.DataFrame, columns: list[tuple[str, str]], css: str) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for key, _ in columns:
            value = row[key]
            if key == "share_quarantined":
                text = "" if pd.isna(value) else f"{float(value):.1%}"
                cells.append(f'<td class="num">{html.escape(text)}</td>')
            elif key in (*_COUNTS, "failures", "blank_rows_skipped", "bytes", "rows"):
                cells.append(f'<td class="num">{_esc(value)}</td>')
            else:
                cells.append(f"<td>{_esc(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def quality_html(quality: pd.DataFrame, *, warnings: list[str] | None = None,
                 files: pd.DataFrame | None = None) -> str:
    """The data-quality section as an HTML fragment (every text escaped)."""
    summary = tables_summary(quality)
    total_read = int(summary["rows_read"].sum())
    total_q = int(summary["rows_quarantined"].sum())
    parts = [
        '<section class="rot-data-quality">',
        "<h2>Data quality</h2>",
        f"<p>{total_read:,} rows read, {total_read - total_q:,} accepted, {total_q:,} "
        "quarantined. For every table and every rule, rows read = accepted + quarantined; a "
        "row is counted under the first rule it fails.</p>",
        _table(summary, [("table", "table"), ("description", "file"),
                         ("rows_read", "read"), ("rows_accepted", "accepted"),
                         ("rows_quarantined", "quarantined"),
                         ("share_quarantined", "share quarantined"),
                         ("blank_rows_skipped", "blank rows skipped"),
                         ("first_quarter", "from"), ("last_quarter", "to")], "rot-dq-tables"),
    ]
    fired = rules_with_failures(quality)
    if len(fired):
        parts += ["<h3>Rules that quarantined rows</h3>",
                  _table(fired, [("table", "table"), ("rule", "rule"),
                                 ("description", "what it checks"), ("rows_read", "rows in"),
                                 ("rows_accepted", "passed"),
                                 ("rows_quarantined", "quarantined here"),
                                 ("failures", "failing (all)")], "rot-dq-rules")]
    else:
        parts.append("<p>No row was quarantined.</p>")
    if warnings:
        parts.append("<h3>Warnings</h3><ul>"
                     + "".join(f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul>")
    if files is not None and len(files):
        shown = files.assign(sha256=files["sha256"].str.slice(0, 16))
        parts += ["<h3>Input files</h3>",
                  _table(shown, [("table", "table"), ("path", "path"), ("format", "format"),
                                 ("bytes", "bytes"), ("rows", "rows"),
                                 ("sha256", "sha256 (first 16)")], "rot-dq-files")]
    parts.append("</section>")
    return "\n".join(parts)
