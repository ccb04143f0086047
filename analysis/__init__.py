"""Statistical analysis of the IMPRESARC warehouse (``marts.analysis_dataset``).

Modules (each imports its heavy dependencies — lifelines, statsmodels, matplotlib — lazily,
so ``import analysis`` stays light):

* :mod:`analysis.proportions` — Clopper–Pearson CIs, ORR/DCR, BOR distribution;
* :mod:`analysis.survival` — Kaplan–Meier, numbers at risk, log-rank, reverse-KM follow-up;
* :mod:`analysis.cox` / :mod:`analysis.logistic` — regression models;
* :mod:`analysis.safety`, :mod:`analysis.table1` — safety and baseline tables;
* :mod:`analysis.tables` — ``compute_all``, ``write_tables`` (DuckDB), ``write_csvs``;
* :mod:`analysis.report` — self-contained HTML study report.
"""
