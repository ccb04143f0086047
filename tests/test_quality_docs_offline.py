"""GX Data Docs rewritten for offline reading: no CDN tag left, a static index with statuses."""

from __future__ import annotations

from impresarc.quality.docs_offline import make_offline

PAGE = """<html><head>
<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>
<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
</head><body><img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1">
<span class="h6" >Status:</span> <i class="fas fa-check-circle"></i> {status}</body></html>
"""


def _site(tmp_path):
    site = tmp_path / "ref"
    passed = site / "validations" / "ref" / "marts" / "patients" / "run-1" / "t1" / "p.html"
    failed = site / "validations" / "ref" / "raw_ref" / "labs" / "run-1" / "t1" / "l.html"
    suite = site / "expectations" / "ref" / "marts" / "patients.html"
    for path, status in ((passed, "Succeeded"), (failed, "Failed"), (suite, "")):
        path.parent.mkdir(parents=True)
        path.write_text(PAGE.format(status=status), "utf-8")
    (site / "index.html").write_text(PAGE.format(status=""), "utf-8")
    return site


def test_every_page_loses_its_cdn_tags_and_gets_the_local_stylesheet(tmp_path):
    site = _site(tmp_path)
    index = make_offline(site / "index.html")
    assert (site / "index_gx.html").exists() and (site / "static/impresarc_offline.css").exists()
    for page in set(site.rglob("*.html")) - {site / "index_gx.html"}:
        text = page.read_text("utf-8")
        assert "bootstrapcdn" not in text and "jquery" not in text and "s3.us-east" not in text
        assert "impresarc_offline.css" in text, page
    deep = next(site.rglob("p.html")).read_text("utf-8")
    assert 'href="../../../../../../static/impresarc_offline.css"' in deep
    assert 'src="../../../../../../static/images/logo-long.png"' in deep
    listing = index.read_text("utf-8")
    assert "https://" not in listing
    assert 'href="validations/ref/marts/patients/run-1/t1/p.html">ref.marts.patients<' in listing
    assert '<td class="ok">Succeeded</td>' in listing and '<td class="bad">Failed</td>' in listing
    assert ">ref.marts.patients</a></li>" in listing  # the expectation suite


def test_rewriting_twice_changes_nothing(tmp_path):
    site = _site(tmp_path)
    make_offline(site / "index.html")
    page = next(site.rglob("p.html"))
    once = page.read_text("utf-8")
    index = make_offline(site / "index.html")
    assert page.read_text("utf-8") == once
    assert "bootstrapcdn" in (site / "index_gx.html").read_text("utf-8")  # GX's index kept
    assert "Validation results" in index.read_text("utf-8")
