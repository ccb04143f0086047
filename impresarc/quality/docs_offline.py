"""Make a Great Expectations Data Docs site readable without network access.

GX pages load Bootstrap, jQuery and bootstrap-table from CDNs, and the site index draws its
tables with that JavaScript: opened offline (as a center's data manager receives it) the index
is empty and every page unstyled. So every page loses its CDN tags and gets a small local
stylesheet, and the index becomes a static list of the validation results (with their status)
and expectation suites; GX's own index stays beside it as ``index_gx.html``.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

CDN_TAG = re.compile(
    r"<link[^>]+href=\"https?://[^\"]*\"[^>]*>|<script[^>]+src=\"https?://[^\"]*\"[^>]*>\s*</script>",
    re.IGNORECASE,
)
ASSET = re.compile(r"https://great-expectations-web-assets[^'\"?)]*/([\w.-]+)(\?[^'\")]*)?")
STATUS = re.compile(r"Status:</span>.*?(Succeeded|Failed)", re.DOTALL)
STYLESHEET = "static/impresarc_offline.css"
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328}
a{color:#0969da}.container-fluid{padding:12px 24px}.row{display:flex;flex-wrap:wrap}
.col-12{width:100%}.col-md-10{flex:1;min-width:0}.col-lg-2,.col-md-2{width:220px;flex:none}
.navbar{display:flex;align-items:center;gap:12px;padding:8px 16px;border-bottom:1px solid #d0d7de}
.navbar img{height:28px}.breadcrumb{display:flex;gap:8px;list-style:none;margin:0;padding:0}
.nav{list-style:none;padding:0}.nav-link{display:block;padding:2px 6px}
.card{border:1px solid #d0d7de;border-radius:6px;margin:8px 0}
.card-header{background:#f6f8fa;padding:6px}.card-body{padding:8px}
.alert{border:1px solid #d0d7de;background:#f6f8fa;border-radius:6px;padding:6px 10px}
table,.table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.badge{background:#eaeef2;border-radius:9px;padding:0 7px}
.text-success{color:#1a7f37}.text-danger{color:#cf222e}.d-none,.collapse{display:none}
.d-md-block{display:block}.fa-check-circle::before{content:"\\2714"}
.fa-times::before,.fa-times-circle::before{content:"\\2718";color:#cf222e}
.btn-group,.btn{display:none}.ok{color:#1a7f37}.bad{color:#cf222e;font-weight:600}
"""


def make_offline(index: Path) -> Path:
    """Rewrite the site whose index is `index` for offline reading; return the new index."""
    site = index.parent
    (site / STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
    (site / STYLESHEET).write_text(CSS.strip() + "\n", encoding="utf-8")
    gx_index = site / "index_gx.html"
    if index.exists() and not gx_index.exists():
        os.replace(index, gx_index)
    for page in site.rglob("*.html"):
        if page != gx_index:  # left as GX wrote it: it works online only anyway
            _strip_cdn(page, site)
    index.write_text(_static_index(site), encoding="utf-8")
    return index


def _strip_cdn(page: Path, site: Path) -> None:
    text = page.read_text(encoding="utf-8")
    if STYLESHEET in text:
        return  # already rewritten (a site copied from an earlier run)
    link = Path(os.path.relpath(site / STYLESHEET, page.parent)).as_posix()
    text = CDN_TAG.sub("", text)
    images = Path(os.path.relpath(site / "static" / "images", page.parent)).as_posix()
    text = ASSET.sub(lambda found: f"{images}/{found.group(1)}", text)
    text = text.replace("</head>", f'<link rel="stylesheet" href="{link}">\n</head>', 1)
    page.write_text(text, encoding="utf-8")


def _static_index(site: Path) -> str:
    rows = []
    for page in sorted((site / "validations").rglob("*.html")):
        match = STATUS.search(page.read_text(encoding="utf-8"))
        status = match.group(1) if match else "unknown"
        parts = page.relative_to(site / "validations").parts
        suite = ".".join(parts[:-3])  # <suite path>/<run id>/<time>/<file>.html
        css = "ok" if status == "Succeeded" else "bad"
        rows.append(
            f'<tr><td><a href="{_href(page, site)}">{html.escape(suite)}</a></td>'
            f"<td>{html.escape(parts[-3])}</td>"
            f'<td class="{css}">{status}</td></tr>'
        )
    suites = [
        f'<li><a href="{_href(p, site)}">{html.escape(_suite_name(p, site))}</a></li>'
        for p in sorted((site / "expectations").rglob("*.html"))
    ]
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Data Docs</title>'
        f'<link rel="stylesheet" href="{STYLESHEET}"></head><body><div class="container-fluid">'
        "<h1>Great Expectations Data Docs</h1>"
        "<p>Validation results of this run, one per validated relation. Built by Great "
        'Expectations; <a href="index_gx.html">its own index</a> needs network access.</p>'
        "<h2>Validation results</h2><table><tr><th>Suite</th><th>Run</th><th>Status</th></tr>"
        + "".join(rows)
        + "</table><h2>Expectation suites</h2><ul>"
        + "".join(suites)
        + "</ul></div></body></html>\n"
    )


def _href(page: Path, site: Path) -> str:
    return html.escape(page.relative_to(site).as_posix(), quote=True)


def _suite_name(page: Path, site: Path) -> str:
    return ".".join(page.relative_to(site / "expectations").with_suffix("").parts)
