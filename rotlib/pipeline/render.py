"""Offline, inert HTML (and PDF) from executed notebooks.

nbconvert's stock HTML pulls require.js and MathJax from a CDN and can carry JavaScript
outputs and widget state. A report leadership opens (possibly on a plane, possibly
forwarded) must load nothing from the network and run no script. So:

* a template (kept here as a string, so it ships inside the package) extends nbconvert's
  ``lab`` template and empties the require.js, MathJax, Mermaid and widget blocks, and adds
  a Content-Security-Policy that forbids every script and every network fetch anyway;
* before export, outputs are reduced to inert MIME types (plain text, PNG/JPEG, HTML) and
  every HTML or Markdown output is sanitized with an allow-list (bleach): no ``<script>``,
  no event-handler attributes, images only as ``data:image/png`` / ``data:image/jpeg``;
* after export, :func:`audit_html` parses the whole document and the render fails loudly
  if any script, event handler, frame, remote URL or ``javascript:`` URL survived.

Charts are embedded as base64 PNG, so the file is self-contained. :func:`html_to_pdf`
prints it with headless Chromium (``/usr/bin/chromium``), network disabled.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rotlib.errors import RunFailedError

CHROMIUM = "/usr/bin/chromium"

#: Forbids every script and every fetch; allows inline styles and data: images/fonts.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)

SENTINEL_TAG = "rot-sentinel"
ERROR_TAG = "rot-error"
HIDDEN_TAGS = frozenset({SENTINEL_TAG, "injected-parameters", "parameters", "remove-cell"})

#: Output MIME types that cannot run code when shown.
_INERT_MIMETYPES = ("text/plain", "image/png", "image/jpeg")

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "section",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "meter", "progress", "header", "footer", "article", "aside",
    "nav", "time",
})
_GLOBAL_ATTRIBUTES = frozenset({
    "class", "id", "title", "role", "lang", "dir", "colspan", "rowspan", "scope", "headers",
    "width", "height", "alt", "datetime", "value", "min", "max", "low", "high", "optimum",
    "open", "style",
})
_SAFE_IMG = re.compile(r"^data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]+$")
_SAFE_STYLE = re.compile(r"^[a-zA-Z0-9\s:;.,#%()\-]*$")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name.startswith("aria-") or name.startswith("data-"):
        return True
    if name == "src":
        return tag == "img" and bool(_SAFE_IMG.match(value))
    if name == "href":
        return tag == "a" and value.startswith("#")
    if name == "style":
        return bool(_SAFE_STYLE.match(value)) and "url" not in value.lower() \
            and "expression" not in value.lower()
    return name in _GLOBAL_ATTRIBUTES


def sanitize_html(fragment: str) -> str:
    """Allow-list sanitization of an HTML fragment (unknown tags are escaped, not run)."""
    import bleach

    return bleach.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=["data"],
        strip=False,
        strip_comments=True,
    )


def _markdown_to_html(text: str) -> str:
    from nbconvert.filters.markdown import markdown2html

    return markdown2html(text)


def prepare_notebook(nb: Any, *, keep_code: bool = False) -> Any:
    """A copy of ``nb`` ready to render: runner cells dropped, outputs made inert.

    Cells tagged ``rot-sentinel``, ``injected-parameters``, ``parameters`` or
    ``remove-cell`` are dropped unless ``keep_code`` (failed runs keep everything so the
    error can be read in context). Widget views, JavaScript and SVG outputs are removed
    (their plain-text fallback stays); HTML and Markdown outputs are sanitized.
    """
    out = copy.deepcopy(nb)
    out.metadata.pop("widgets", None)
    kept = []
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags") or [])
        if not keep_code and tags & HIDDEN_TAGS:
            continue
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                data = output.get("data")
                if not data:
                    continue
                cleaned: dict[str, Any] = {}
                for mime, value in data.items():
                    if mime in _INERT_MIMETYPES:
                        cleaned[mime] = value
                    elif mime == "text/html":
                        text = value if isinstance(value, str) else "".join(value)
                        cleaned[mime] = sanitize_html(text)
                    elif mime == "text/markdown":
                        text = value if isinstance(value, str) else "".join(value)
                        cleaned["text/html"] = sanitize_html(_markdown_to_html(text))
                output["data"] = cleaned
        kept.append(cell)
    out.cells = kept
    return out


# --- template ---------------------------------------------------------------------------------

_TEMPLATE = r"""
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
<meta http-equiv="Content-Security-Policy" content="{{ resources.rot_csp }}">
<meta name="generator" content="rot (nbconvert, offline template)">
{% endblock extra_css %}
{% block notebook_css %}
{%- if resources.rot_lab_css -%}{{ super() }}{%- endif -%}
<style type="text/css">
{{ resources.rot_css }}
</style>
{% endblock notebook_css %}
{%- block data_javascript -%}{%- endblock data_javascript -%}
{%- block data_widget_view -%}{%- endblock data_widget_view -%}
{%- block footer -%}
</html>
{%- endblock footer -%}
"""

#: Styles for the executive report: readable on screen, clean on paper.
REPORT_CSS = """
:root { --ink: #1f2933; --muted: #52606d; --rule: #d9e2ec; --accent: #1f4e79; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 48px; }
.jp-Cell, .jp-OutputArea-output, .jp-RenderedHTMLCommon { padding: 0; margin: 0; }
.jp-InputPrompt, .jp-OutputPrompt, .jp-Collapser { display: none; }
h1 { font-size: 28px; margin: 8px 0 4px; color: var(--accent); }
h2 { font-size: 21px; margin: 32px 0 8px; padding-top: 12px; border-top: 2px solid var(--rule);
  color: var(--accent); }
h3 { font-size: 16px; margin: 18px 0 6px; }
p { margin: 6px 0 10px; }
.rot-lede { color: var(--muted); font-size: 16px; }
.rot-note { color: var(--muted); font-size: 13px; }
.rot-missing { background: #fff8e1; border-left: 4px solid #f0b429; padding: 8px 12px; }
.rot-error-banner { background: #ffe3e3; border-left: 6px solid #cf1124; padding: 10px 14px;
  font-size: 16px; }
.rot-kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 8px; padding: 0; }
.rot-kpi { list-style: none; flex: 1 1 150px; border: 1px solid var(--rule); border-radius: 6px;
  padding: 10px 14px; }
.rot-kpi .rot-kpi-label { display: block; color: var(--muted); font-size: 13px; }
.rot-kpi .rot-kpi-value { display: block; font-size: 26px; font-weight: 600; }
.rot-kpi .rot-change { display: block; font-size: 13px; color: var(--muted); }
table.rot-table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
table.rot-table th, table.rot-table td { border-bottom: 1px solid var(--rule);
  padding: 4px 10px; text-align: left; vertical-align: top; }
table.rot-table th { background: #f5f7fa; }
table.rot-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.rot-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr));
  gap: 8px 14px; }
figure { margin: 10px 0 18px; }
figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; }
dl.rot-card { display: grid; grid-template-columns: 110px 1fr; gap: 2px 10px; font-size: 12px;
  border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
dl.rot-card dt { color: var(--muted); }
dl.rot-card dd { margin: 0; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-before: auto; break-after: avoid; }
  figure, table, .rot-kpis, dl.rot-card { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 14mm 12mm; }
"""

NOTEBOOK_CSS = """
.rot-error-banner { background: #ffe3e3; border-left: 6px solid #cf1124; padding: 10px 14px;
  font-size: 16px; }
table.rot-table { border-collapse: collapse; }
table.rot-table th, table.rot-table td { border-bottom: 1px solid #d9e2ec; padding: 3px 8px; }
@media print { .jp-Cell { break-inside: avoid; } }
"""


def _exporter(*, report: bool, keep_code: bool):
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"rot_offline.html.j2": _TEMPLATE})],
        template_file="rot_offline.html.j2",
        exclude_input=not keep_code,
        exclude_input_prompt=not keep_code,
        exclude_output_prompt=True,
        embed_images=True,
        skip_svg_encoding=False,
    )
    return exporter


def render_html(nb: Any, *, title: str, report: bool = False, keep_code: bool = False) -> str:
    """Render an executed notebook to one self-contained, script-free HTML document.

    ``report=True`` uses the lean executive-report styles; otherwise nbconvert's lab styles
    (inlined) are kept for notebook renders. ``keep_code`` shows code cells (used for failed
    runs, where the failing code is the point). The result is audited before it is returned.
    """
    prepared = prepare_notebook(nb, keep_code=keep_code)
    prepared.metadata["title"] = title
    exporter = _exporter(report=report, keep_code=keep_code)
    resources = {
        "rot_csp": CONTENT_SECURITY_POLICY,
        "rot_css": REPORT_CSS if report else NOTEBOOK_CSS,
        "rot_lab_css": not report,
        "metadata": {"name": title},
    }
    body, _ = exporter.from_notebook_node(prepared, resources=resources)
    problems = audit_html(body)
    if problems:
        raise RunFailedError(
            f"the HTML render of '{title}' is not inert/offline and was not published: "
            + "; ".join(problems[:5])
        )
    return body


def error_banner_cell(message: str) -> Any:
    """A Markdown cell (tagged ``rot-error``) that states a step's failure at the top."""
    import nbformat

    cell = nbformat.v4.new_markdown_cell(
        '<div class="rot-error-banner"><strong>This step failed.</strong> '
        f"{html_lib.escape(message)}</div>"
    )
    cell.metadata["tags"] = [ERROR_TAG]
    return cell


# --- audit -----------------------------------------------------------------------------------

_FORBIDDEN_TAGS = {"script", "iframe", "frame", "object", "embed", "applet", "base", "form",
                   "meta-refresh", "portal", "audio", "video", "source", "track"}
_URL_ATTRS = {"src", "href", "action", "formaction", "poster", "srcset", "data", "xlink:href",
              "background", "codebase", "cite", "manifest", "ping"}
_REMOTE = re.compile(r"^\s*(https?:|ftp:|//|\\\\)", re.IGNORECASE)
_CSS_REMOTE = re.compile(r"url\(\s*['\"]?\s*(https?:|//)|@import", re.IGNORECASE)


class _Auditor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "link":
            self.problems.append("<link> element (external resource)")
        if tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            if values.get("http-equiv", "").lower() == "refresh":
                self.problems.append("<meta http-equiv=refresh>")
        if tag == "style":
            self._in_style = True
        for name, value in attrs:
            name = name.lower()
            text = (value or "").strip()
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if "javascript:" in text.lower().replace(" ", "") or \
                    "vbscript:" in text.lower().replace(" ", ""):
                self.problems.append(f"script URL in {name}= on <{tag}>")
            if name in _URL_ATTRS and _REMOTE.match(text):
                self.problems.append(f"remote URL in {name}= on <{tag}>: {text[:60]}")
            if name == "src" and text.lower().startswith("data:") and \
                    not text.lower().startswith("data:image/"):
                self.problems.append(f"non-image data: URL in src on <{tag}>")
            if name == "style" and _CSS_REMOTE.search(text):
                self.problems.append(f"remote CSS in style= on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _CSS_REMOTE.search(data):
            self.problems.append("remote url() or @import in a <style> block")


def audit_html(document: str) -> list[str]:
    """Every way ``document`` could run script or reach the network (empty = inert)."""
    auditor = _Auditor()
    auditor.feed(document)
    auditor.close()
    return sorted(set(auditor.problems))


# --- files and PDF ---------------------------------------------------------------------------


def write_html(document: str, path: Path | str) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(document, encoding="utf-8")
    return target


def chromium_path(candidates: Iterable[str] = (CHROMIUM, "chromium", "chromium-browser")
                  ) -> str | None:
    """The first Chromium found, or ``None`` (install it with ``apt-get install chromium``)."""
    for candidate in candidates:
        found = shutil.which(candidate) if "/" not in candidate else (
            candidate if Path(candidate).exists() else None)
        if found:
            return found
    return None


CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-extensions",
    "--disable-sync", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
)


def html_to_pdf(html_path: Path | str, pdf_path: Path | str, *, timeout: float = 120.0,
                chromium: str | None = None) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4, no header/footer)."""
    exe = chromium or chromium_path()
    if exe is None:
        raise RunFailedError(
            "--pdf needs Chromium, which was not found at /usr/bin/chromium. Fix: "
            "apt-get install -y chromium (or run without --pdf)."
        )
    source = Path(html_path).resolve()
    target = Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="rot-chromium-") as profile:
        cmd = [exe, *CHROMIUM_ARGS, f"--user-data-dir={profile}",
               f"--print-to-pdf={target}", source.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise RunFailedError(f"Chromium did not print the PDF within {timeout:.0f} s.") \
                from exc
    if proc.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise RunFailedError(
            f"Chromium could not print {source.name} to PDF (exit {proc.returncode}): "
            f"{proc.stderr.strip()[-400:]}"
        )
    return target
