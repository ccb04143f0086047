"""Self-contained HTML study report (figures embedded as base64 PNG, inline CSS, no JS).

Usage::

    tables = compute_all(analysis_dataset, adverse_events)
    cut = DataCut(run_id="2024-05-01T12:00", loads=loads_df, exclusions=exclusions_df)
    render_report(tables, cut, "build/report.html")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import display
from analysis import html as h
from analysis._checks import AnalysisInputError, require_columns
from analysis.config import REPORT_FACTORS
from analysis.figures import forest_plot_png, km_plot_png, png_data_uri
from analysis.published import factor_comparison, headline_comparison
from analysis.table1 import baseline_table_wide
from analysis.tables import TABLE_NAMES

__all__ = ["DataCut", "expected_figures", "render_report"]


#: Accepted alternative names of the load-ledger columns (e.g. ``ops.loads``).
_LOAD_ALIASES = {"center_id": "center", "file_name": "file", "source_file": "file"}
_LOAD_HEADERS = {"center": "Center", "file": "File", "sha256": "SHA-256"}


@dataclass(frozen=True)
class DataCut:
    """Provenance of the analysed data, shown in the report's "Data cut" section.

    Attributes
    ----------
    run_id : str
        Identifier of the pipeline run that built the warehouse.
    loads : pandas.DataFrame
        One row per loaded extract file: ``center, file, sha256`` (``center_id`` and
        ``file_name``, as in ``ops.loads``, are accepted too); other columns such as
        ``rows_loaded`` are shown as well.
    exclusions : pandas.DataFrame
        One row per excluded patient: ``patient_key, center_id, reason``.
    centers : sequence of str, optional
        Centers included; defaults to the distinct ``center`` values of ``loads``.
    """

    run_id: str
    loads: pd.DataFrame
    exclusions: pd.DataFrame
    centers: Sequence[str] | None = None

    def __post_init__(self) -> None:
        renames = {
            alias: name
            for alias, name in _LOAD_ALIASES.items()
            if alias in self.loads.columns and name not in self.loads.columns
        }
        loads = self.loads.rename(columns=renames)
        require_columns(loads, ["center", "file", "sha256"], context="DataCut.loads")
        require_columns(
            self.exclusions, ["patient_key", "center_id", "reason"], context="DataCut.exclusions"
        )
        object.__setattr__(self, "loads", loads.drop_duplicates(ignore_index=True))

    @classmethod
    def coerce(cls, data_cut: DataCut | Mapping[str, object]) -> DataCut:
        """Accept a :class:`DataCut` or a mapping with the same keys."""
        if isinstance(data_cut, cls):
            return data_cut
        if not isinstance(data_cut, Mapping):
            raise AnalysisInputError(
                f"data_cut must be a DataCut or a mapping, got {type(data_cut).__name__}"
            )
        unknown = sorted(set(data_cut) - {"run_id", "loads", "exclusions", "centers"})
        if unknown or not {"run_id", "loads", "exclusions"} <= set(data_cut):
            raise AnalysisInputError(
                "data_cut mapping needs keys run_id, loads, exclusions (optional: centers); "
                f"got {sorted(data_cut)}"
            )
        return cls(**data_cut)

    def included_centers(self) -> list[str]:
        """Centers included in the data cut."""
        if self.centers is not None:
            return list(self.centers)
        return sorted(self.loads["center"].dropna().astype(str).unique())


def expected_figures(tables: Mapping[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """``(endpoint, group_var)`` of every KM figure the report draws, overall first."""
    curves = tables["km_curves"]
    out = []
    for endpoint in dict.fromkeys(curves["endpoint"]):
        present = set(curves.loc[curves["endpoint"] == endpoint, "group_var"])
        out += [(endpoint, g) for g in ("overall", *REPORT_FACTORS) if g in present]
    return out


def _term_labels(models: pd.DataFrame) -> dict[str, str]:
    return {
        r.term: display.term_label(r.variable, r.level, r.reference) for r in models.itertuples()
    }


def _headline(tables: Mapping[str, pd.DataFrame]) -> str:
    comparison = headline_comparison(tables)
    factors = factor_comparison(tables["cox_models"])
    factors["term"] = (
        factors["term"].map(_term_labels(tables["cox_models"])).fillna(factors["term"])
    )
    comparison_columns = {
        "metric": "Metric",
        "this_analysis": "This analysis",
        "published": "IMPRESARC (published)",
    }
    factor_columns = {
        "published_finding": "Published finding",
        "term": "Term here",
        "PFS": "PFS HR [95 % CI]",
        "OS": "OS HR [95 % CI]",
    }
    return h.section(
        "Headline results",
        [
            h.table(comparison, columns=comparison_columns),
            '<p class="note">This analysis: ORR/DCR from unconfirmed best overall response '
            "with exact 95 % CI; medians in months with 95 % CI (log-log); NR = not reached.</p>",
            "<h3>Prognostic factors: published findings and hazard ratios here</h3>",
            h.table(factors, columns=factor_columns),
            '<p class="note">Multivariable Cox model unless marked univariable.</p>',
        ],
        "headline",
    )


def _data_cut(cut: DataCut) -> str:
    reasons = cut.exclusions.groupby("reason", dropna=False).size().rename("patients").reset_index()
    return h.section(
        "Data cut",
        [
            f"<p>Run id: <code>{h.esc(cut.run_id)}</code><br>"
            f"Centers included ({len(cut.included_centers())}): "
            f"{h.esc(', '.join(cut.included_centers()))}</p>",
            "<h3>Extracts loaded</h3>",
            h.table(cut.loads.rename(columns=_LOAD_HEADERS)),
            f"<h3>Exclusions: {len(cut.exclusions)} patient(s)</h3>",
            h.table(reasons, columns={"reason": "Reason", "patients": "Patients"}),
            h.table(
                cut.exclusions,
                columns={"patient_key": "Patient", "center_id": "Center", "reason": "Reason"},
            ),
        ],
        "data-cut",
    )


def _survival(tables: Mapping[str, pd.DataFrame]) -> str:
    curves, at_risk = tables["km_curves"], tables["km_at_risk"]
    parts = [h.table(display.km_display(tables["km_estimates"]))]
    follow = tables["followup"].assign(
        text=lambda f: [
            display.estimate_ci(m, lo, hi)
            for m, lo, hi in zip(f.median_months, f.median_ci_lower, f.median_ci_upper, strict=True)
        ]
    )
    parts += [
        "<h3>Median follow-up (reverse Kaplan–Meier)</h3>",
        h.table(follow, columns={"endpoint": "Endpoint", "n": "N", "text": "Months [95 % CI]"}),
    ]
    for endpoint, group_var in expected_figures(tables):
        pick = (curves["endpoint"] == endpoint) & (curves["group_var"] == group_var)
        risk = at_risk[(at_risk["endpoint"] == endpoint) & (at_risk["group_var"] == group_var)]
        subtitle = (
            "overall" if group_var == "overall" else f"by {display.variable_label(group_var)}"
        )
        png = km_plot_png(curves[pick], risk, title=f"{endpoint} {subtitle}")
        parts.append(h.figure(png_data_uri(png), f"Kaplan–Meier {endpoint} {subtitle}"))
    logrank = tables["logrank_tests"].assign(
        label=lambda f: f["group_var"].map(display.variable_label),
        p=lambda f: f["p_value"].map(display.format_p),
    )
    parts += [
        "<h3>Log-rank tests</h3>",
        h.table(
            logrank,
            columns={
                "endpoint": "Endpoint",
                "label": "Factor",
                "n": "N",
                "n_groups": "Groups",
                "statistic": "Chi²",
                "df": "df",
                "p": "p",
            },
        ),
    ]
    return h.section("Progression-free and overall survival", parts, "survival")


def _cox(tables: Mapping[str, pd.DataFrame]) -> str:
    cox = tables["cox_models"]
    parts = []
    for endpoint in dict.fromkeys(cox["endpoint"]):
        for model in ("univariable", "multivariable"):
            rows = cox[(cox["endpoint"] == endpoint) & (cox["model"] == model)]
            if rows.empty:
                continue
            forest = pd.DataFrame(
                {
                    "label": rows["term"].map(_term_labels(rows)),
                    "estimate": rows["hr"],
                    "ci_lower": rows["ci_lower"],
                    "ci_upper": rows["ci_upper"],
                    "p_value": rows["p_value"],
                }
            )
            title = f"{endpoint}: {model} Cox model"
            parts.append(h.figure(png_data_uri(forest_plot_png(forest, title=title)), title))
    parts.append(h.table(display.cox_display(cox)))
    parts.append(
        '<p class="note">Efron ties; Wald CI and p; complete cases ("Missing" = patients '
        "dropped for a missing covariate); PH test: scaled Schoenfeld residuals, KM time "
        "transform.</p>"
    )
    return h.section("Cox proportional-hazards models", parts, "cox")


def _as_of() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def render_report(
    tables: Mapping[str, pd.DataFrame],
    data_cut: DataCut | Mapping[str, object],
    out_path: str | Path,
    *,
    title: str = "IMPRESARC — immune checkpoint inhibitors in advanced sarcoma: study report",
) -> Path:
    """Write the self-contained HTML study report.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Output of :func:`analysis.tables.compute_all`.
    data_cut : DataCut or mapping
        Run id, loaded extracts (with hashes) and exclusions; a mapping with keys ``run_id``,
        ``loads``, ``exclusions`` (and optionally ``centers``) is accepted.
    out_path : str or pathlib.Path
        Destination ``.html`` file; parent directories are created.
    title : str, optional
        Report title.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    AnalysisInputError
        If a required result table is missing from ``tables``.
    """
    missing = [name for name in TABLE_NAMES if name not in tables]
    if missing:
        raise AnalysisInputError(
            f"tables is missing {missing}; pass the dict returned by compute_all()"
        )
    data_cut = DataCut.coerce(data_cut)
    safety_summary, ae_terms = display.safety_display(tables["safety"])
    parts = [
        f'<p class="note">Generated {h.esc(_as_of())} · run {h.esc(data_cut.run_id)}</p>',
        _headline(tables),
        _data_cut(data_cut),
        h.section(
            "Baseline characteristics (Table 1)",
            [h.table(baseline_table_wide(tables["table1"]))],
            "table1",
        ),
        h.section(
            "Response",
            [
                h.table(display.response_display(tables["response_rates"])),
                "<h3>Best overall response</h3>",
                h.table(display.bor_display(tables["bor_distribution"])),
                "<h3>Logistic regression of objective response</h3>",
                h.table(display.logistic_display(tables["logistic_models"])),
            ],
            "response",
        ),
        _survival(tables),
        _cox(tables),
        h.section("Safety", [h.table(safety_summary), h.table(ae_terms)], "safety"),
    ]
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(h.page(title, parts), encoding="utf-8")
    return out_path
