"""Safe HTML building blocks for the executive report.

Every function here escapes what it is given: a section can only put markup in the page
through these helpers, and untrusted text (partner names, program names, parameters) goes
in as text. Numbers that a leader might quote are wrapped in
``<span class="rot-figure" data-figure="KEY" data-value="RAW">shown</span>`` so a test
(and an auditor) can check that every figure in the page equals the artifact it came from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rotlib.pipeline.safety import escape_html


@dataclass
class Section:
    """One part of the report: an id, a title, an HTML body, and the figures it quotes."""

    id: str
    title: str
    body: str
    figures: dict[str, Any] = field(default_factory=dict)
    available: bool = True
    tag: str = "section"  # "header" for the title block
    heading: bool = True  # whether the title is shown as an <h2>

    def html(self) -> str:
        title = f"<h2>{escape_html(self.title)}</h2>" if self.heading else ""
        return (f'<{self.tag} class="rot-section" id="{escape_html(self.id)}">'
                f"{title}{self.body}</{self.tag}>")

    def _repr_html_(self) -> str:  # a notebook displays a section directly
        return self.html()


class Figures:
    """Collects the figures a section quotes while it formats them."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def span(self, key: str, value: Any, kind: str = "number", *, digits: int = 1,
             currency: str = "") -> str:
        """A quoted figure: formatted for people, raw in ``data-value`` for machines."""
        raw = _raw(value)
        self.values[key] = raw
        shown = format_value(value, kind, digits=digits, currency=currency)
        data_value = "" if raw is None else repr(raw) if isinstance(raw, float) else str(raw)
        return (f'<span class="rot-figure" data-figure="{escape_html(key)}" '
                f'data-value="{escape_html(data_value)}">{escape_html(shown)}</span>')


def _raw(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def format_value(value: Any, kind: str = "number", *, digits: int = 1, currency: str = ""
                 ) -> str:
    """People-facing text for a number: ``number``, ``int``, ``pct`` (a 0-1 share),
    ``pp`` (a difference of shares, in percentage points), ``money``, ``ratio``
    (``2.4x``), ``delta`` (signed number), ``text``. Missing values read "n/a"."""
    if kind == "text":
        return "n/a" if value is None else str(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or (
            not isinstance(value, str) and pd.isna(value)):
        return "n/a"
    v = float(value)
    if kind == "int":
        return f"{round(v):,}"
    if kind == "pct":
        return f"{v * 100:.{digits}f}%"
    if kind == "pp":
        return f"{v * 100:+.{digits}f} pp"
    if kind == "ratio":
        return f"{v:.{max(digits, 1)}f}x"
    if kind == "delta":
        return f"{v:+,.{digits}f}"
    if kind == "money":
        prefix = f"{currency} " if currency else ""
        for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(v) >= size:
                return f"{prefix}{v / size:,.{digits}f}{suffix}"
        return f"{prefix}{v:,.0f}"
    return f"{v:,.{digits}f}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 partner", "3 partners" (plain text)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def text(value: Any) -> str:
    """Escaped text (the only way untrusted strings enter the page)."""
    return escape_html(value)


def paragraph(*parts: str, css_class: str | None = None) -> str:
    """A paragraph of already-safe parts (use :func:`text` for untrusted strings)."""
    cls = f' class="{escape_html(css_class)}"' if css_class else ""
    return f"<p{cls}>{''.join(parts)}</p>"


def note(message: str) -> str:
    """A small, muted explanatory note (escaped)."""
    return paragraph(text(message), css_class="rot-note")


def missing(message: str) -> str:
    """A plain statement that something is not available, instead of a made-up number."""
    return f'<div class="rot-missing" role="note">{text(message)}</div>'


def heading(title: str, level: int = 3) -> str:
    return f"<h{level}>{text(title)}</h{level}>"


def bullet_list(items: Iterable[str]) -> str:
    """A list of already-safe items."""
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def kpis(cards: Iterable[tuple[str, str, str]]) -> str:
    """Headline cards: (label, figure span, change text) triples (spans already safe)."""
    out = ['<ul class="rot-kpis">']
    for label, figure, change in cards:
        out.append(f'<li class="rot-kpi"><span class="rot-kpi-label">{text(label)}</span>'
                   f'<span class="rot-kpi-value">{figure}</span>'
                   f'<span class="rot-change">{change}</span></li>')
    out.append("</ul>")
    return "".join(out)


def table(df: pd.DataFrame, *, formatter: Mapping[str, Any] | None = None,
          caption: str | None = None, html_columns: Iterable[str] = (),
          numeric_align: bool = True) -> str:
    """An HTML table with every header and cell escaped.

    ``formatter`` maps a column to a format string (``"{:.1f}"``) or a function of the
    value; missing values show "n/a". ``html_columns`` holds columns whose values are
    already-safe HTML built by this module (figure spans); nothing else is trusted.
    """
    formats = dict(formatter or {})
    trusted = set(html_columns)
    numeric = {c for c in df.columns if c in trusted or (
        numeric_align and pd.api.types.is_numeric_dtype(df[c])
        and not pd.api.types.is_bool_dtype(df[c]))}
    head = "".join(f'<th scope="col"{_num(c in numeric)}>{text(c)}</th>' for c in df.columns)
    rows = []
    for values in df.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(df.columns, values, strict=True):
            if column in trusted:
                shown = str(value)
            else:
                shown = text(_format_cell(value, formats.get(column)))
            cells.append(f"<td{_num(column in numeric)}>{shown}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{text(caption)}</caption>" if caption else ""
    return (f'<table class="rot-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _num(is_numeric: bool) -> str:
    return ' class="num"' if is_numeric else ""


def _format_cell(value: Any, fmt: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "n/a"
    if fmt is None:
        if isinstance(value, float):
            return f"{value:,.1f}"
        return str(value)
    if callable(fmt):
        return str(fmt(value))
    return fmt.format(value)


def definition_list(rows: Iterable[tuple[str, str]], *, css_class: str = "rot-card") -> str:
    """``<dl>`` of (term, already-safe description) pairs."""
    body = "".join(f"<dt>{text(term)}</dt><dd>{desc}</dd>" for term, desc in rows)
    return f'<dl class="{escape_html(css_class)}">{body}</dl>'
