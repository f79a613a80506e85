"""Untrusted text, made safe for HTML, Markdown and wider distribution.

Partner, account and program names come from CRMs where anyone can type anything, for
example ``<img src=x onerror=alert(1)>`` or ``=HYPERLINK(...)``. Every such string is
escaped where it reaches HTML or Markdown. pandas' Styler does *not* escape by default, and
even with ``format(escape="html")`` it leaves index labels, index *names* and captions
alone; :func:`safe_styler` closes all of those. Spreadsheet formulas are handled in
:mod:`rotlib.pipeline.exports`.

:func:`pseudonymize_tables` replaces partner and account identities with keyed pseudonyms
(HMAC-SHA256), consistently across every table, for reports that travel further than the
partnership team.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def escape_html(value: Any) -> str:
    """Text safe inside an HTML element or a quoted attribute (``None`` becomes "")."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def escape_markdown(value: Any) -> str:
    """Text safe inside Markdown: HTML escaped, Markdown syntax backslash-escaped.

    Newlines become spaces so a name cannot start a heading or a list item.
    """
    text = escape_html(value).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _escaped_names(names: Iterable[Any]) -> list[Any]:
    return [None if n is None else escape_html(n) for n in names]


def safe_styler(
    df: pd.DataFrame,
    *,
    formatter: Mapping[str, str | Callable[[Any], str]] | str | Callable[[Any], str] | None = None,
    precision: int = 2,
    na_rep: str = "–",
    caption: str | None = None,
    hide_index: bool = False,
):
    """A Styler that escapes values, both indexes, index names and the caption.

    ``formatter`` works as in :meth:`pandas.io.formats.style.Styler.format`; string values
    are escaped *before* a formatter sees them, so a formatter must only turn numbers into
    text and never build HTML from untrusted strings.
    """
    frame = df.copy()
    frame.index = frame.index.set_names(_escaped_names(frame.index.names))
    frame.columns = frame.columns.set_names(_escaped_names(frame.columns.names))
    styler = frame.style
    styler = styler.format(formatter=formatter, precision=precision, na_rep=na_rep,
                           escape="html")
    styler = styler.format_index(escape="html", axis=0)
    styler = styler.format_index(escape="html", axis=1)
    styler = styler.set_uuid("rot")  # a fixed id: identical inputs give identical HTML
    if caption is not None:
        styler = styler.set_caption(escape_html(caption))
    if hide_index:
        styler = styler.hide(axis="index")
    return styler


def safe_table_html(df: pd.DataFrame, *, css_class: str = "rot-table", **kwargs: Any) -> str:
    """An escaped HTML ``<table>`` without inline styles or random ids (see safe_styler)."""
    styler = safe_styler(df, **kwargs)
    styler = styler.set_table_attributes(f'class="{escape_html(css_class)}"')
    return styler.to_html(exclude_styles=True)


# --- pseudonyms ----------------------------------------------------------------------------

#: Columns whose values identify a partner or a customer, and the label of their pseudonym.
IDENTITY_COLUMNS: dict[str, str] = {
    "partner_id": "P",
    "account_id": "A",
}
NAME_COLUMNS: dict[str, tuple[str, str]] = {
    # name column: (id column it belongs to, label for the pseudonym)
    "partner_name": ("partner_id", "Partner"),
    "account_name": ("account_id", "Account"),
}


def pseudonym_map(values: Iterable[Any], key: str | bytes, *, prefix: str = "P") -> dict:
    """Keyed, stable pseudonyms: ``value -> prefix + uppercase hex``.

    HMAC-SHA256 under ``key`` means the same partner gets the same pseudonym in every run
    with the same key (so quarters can be compared) and nobody can reverse it without the
    key. The hex length starts at 8 and grows until no two values collide.
    """
    k = key.encode("utf-8") if isinstance(key, str) else key
    distinct = sorted({str(v) for v in values if v is not None and not pd.isna(v)})
    digests = {v: hmac.new(k, v.encode("utf-8"), hashlib.sha256).hexdigest().upper()
               for v in distinct}
    for length in range(8, 65, 2):
        short = {v: d[:length] for v, d in digests.items()}
        if len(set(short.values())) == len(short):
            return {v: f"{prefix}{s}" for v, s in short.items()}
    raise ValueError("pseudonym collision at full digest length")  # practically impossible


def pseudonymize_tables(
    tables: Mapping[str, pd.DataFrame], key: str | bytes
) -> dict[str, pd.DataFrame]:
    """Replace partner and account ids and names in every table, consistently.

    Ids map to ``P<hex>`` / ``A<hex>`` in every table that has the column (so joins still
    work); names become ``Partner <hex>`` / ``Account <hex>`` of the same row's id. Other
    columns are left as they are.
    """
    maps: dict[str, dict] = {}
    for column, prefix in IDENTITY_COLUMNS.items():
        values: list[Any] = []
        for frame in tables.values():
            if column in frame.columns:
                values.extend(frame[column].dropna().astype(str).tolist())
        maps[column] = pseudonym_map(values, key, prefix=prefix)
    out: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        result = frame.copy()
        for column, mapping in maps.items():
            if column in result.columns:
                original = result[column]
                mapped = original.astype("str").map(mapping)
                result[column] = mapped.where(original.notna(), original)
        for name_col, (id_col, label) in NAME_COLUMNS.items():
            if name_col in result.columns:
                if id_col in result.columns:
                    ids = result[id_col].astype("str").str[1:]  # drop the P/A prefix
                    result[name_col] = (label + " " + ids).where(result[id_col].notna(), label)
                else:
                    result[name_col] = label
        out[name] = result
    return out
