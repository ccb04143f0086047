"""Data quality of the IMPRESARC warehouse: per-center Great Expectations checks and reports.

The checks, their Kahn category, level, severity and threshold live in one editable file,
`expectations/checks.yml` (read by :mod:`impresarc.quality.config`). The flow calls
:func:`impresarc.quality.runner.run_quality_checks` once per run; it validates every center's
raw layer and harmonized layer, appends the results to `quality.check_results`, and writes one
HTML page per center plus a consortium page.

Great Expectations is imported only inside the functions that validate (it costs seconds).
"""
