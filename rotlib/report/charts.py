"""Charts for the report: seaborn/matplotlib figures embedded as base64 PNG with alt text.

Why PNG in a data URL: the report must open offline and from an e-mail attachment, with no
script (so no interactive charts) and no sibling files. PNG metadata is fixed (no software
version stamp) so the same data gives the same bytes. Labels are plain text: matplotlib's
math parsing is switched off for every text element, so a partner named ``$\\x$`` prints
as typed.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

from rotlib.pipeline.safety import escape_html

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Colours per tier, best first (colour-blind safe: a sequential blue-to-orange scheme).
TIER_PALETTE = ("#1f4e79", "#3a7dbf", "#9cc3e6", "#f0b429", "#cf4f1f", "#9aa5b1")
DPI = 110


def use_report_style() -> None:
    """Readable defaults for every chart of the report (call once per kernel).

    Seaborn's "whitegrid" look through the style sheet matplotlib ships, so a report
    kernel does not pay seaborn's import time for a theme.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    plt.style.use("seaborn-v0_8-whitegrid")
    mpl.rcParams.update({
        "figure.dpi": DPI, "savefig.dpi": DPI, "axes.titlesize": 13, "axes.labelsize": 11,
        "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10,
        "text.parse_math": False, "svg.hashsalt": "rot", "axes.titleweight": "bold",
        "figure.constrained_layout.use": True,
    })


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (closed afterwards, so kernels do not pile up figures)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def png_html(png: bytes, *, alt: str, caption: str | None = None) -> str:
    """``<figure>`` with the PNG inline, its alt text and an optional caption (escaped)."""
    data = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{escape_html(caption)}</figcaption>" if caption else ""
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{escape_html(alt)}">'
            f"{cap}</figure>")


def chart_html(fig: Figure, *, alt: str, caption: str | None = None) -> str:
    """A matplotlib figure as an embedded, captioned image with alt text."""
    return png_html(figure_png(fig), alt=alt, caption=caption)
