"""Settings of the statistical analysis plan, with defaults matching the IMPRESARC study."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from analysis._checks import AnalysisInputError
from analysis.cox import DEFAULT_MULTIVARIABLE_COVARIATES, DEFAULT_UNIVARIABLE_FACTORS
from analysis.proportions import DEFAULT_BOR_VARIANTS

__all__ = ["AnalysisConfig", "REPORT_FACTORS"]

#: Factors shown as stratified Kaplan–Meier figures in the report.
REPORT_FACTORS = (
    "ecog_ge1",
    "has_cyclophosphamide",
    "dnlr_high",
    "icis_class",
    "histotype_group",
)


@dataclass(frozen=True)
class AnalysisConfig:
    """What :func:`analysis.tables.compute_all` computes.

    Attributes
    ----------
    endpoints : mapping
        Endpoint name → (duration column in months, event column).
    bor_variants : mapping
        BOR variant name → BOR column (``bor`` unconfirmed, ``bor_confirmed`` confirmed).
    response_group_vars : tuple of str
        Grouping columns of the response-rate and BOR tables.
    km_group_vars : tuple of str
        Grouping columns of the Kaplan–Meier estimates, curves and log-rank tests.
    survival_times : tuple of float
        Landmarks (months) for survival rates; 6 and 12 give columns ``s6`` and ``s12``.
    at_risk_times : tuple of float
        Times (months) for the number-at-risk table under the KM figures.
    cox_factors, cox_covariates : tuple of str
        Univariable candidate factors and multivariable covariates of the Cox models.
    logistic_outcome : str
        Binary outcome of the logistic models.
    logistic_factors, logistic_covariates : tuple of str
        Univariable factors and multivariable covariates of the logistic models.
    reference_levels : mapping
        Reference level per categorical covariate (e.g. ``histotype_group`` → ``other``).
    table1_variables : mapping or None
        Column → ``continuous``/``categorical``; None for the default Table 1.
    table1_group_col : str or None
        Column of the side-by-side groups of Table 1.
    top_ae_terms : int
        Number of most frequent AE terms in the safety table.
    alpha : float
        One minus the confidence level of every interval.
    ph_time_transform : str
        Time transform of the Schoenfeld proportional-hazards test.
    """

    endpoints: Mapping[str, tuple[str, str]] = field(
        default_factory=lambda: {
            "PFS": ("pfs_months", "pfs_event"),
            "OS": ("os_months", "os_event"),
        }
    )
    bor_variants: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_BOR_VARIANTS))
    response_group_vars: tuple[str, ...] = ("histotype_group", "icis_class", "center_id")
    km_group_vars: tuple[str, ...] = (*REPORT_FACTORS, "lipi_group", "center_id")
    survival_times: tuple[float, ...] = (6.0, 12.0)
    at_risk_times: tuple[float, ...] = (0.0, 3.0, 6.0, 9.0, 12.0, 18.0, 24.0)
    cox_factors: tuple[str, ...] = DEFAULT_UNIVARIABLE_FACTORS
    cox_covariates: tuple[str, ...] = DEFAULT_MULTIVARIABLE_COVARIATES
    logistic_outcome: str = "is_responder"
    logistic_factors: tuple[str, ...] = DEFAULT_UNIVARIABLE_FACTORS
    logistic_covariates: tuple[str, ...] = DEFAULT_MULTIVARIABLE_COVARIATES
    reference_levels: Mapping[str, str] = field(
        default_factory=lambda: {
            "icis_class": "anti_pd1",
            "histotype_group": "other",
            "lipi_group": "good",
        }
    )
    table1_variables: Mapping[str, str] | None = None
    table1_group_col: str | None = "center_id"
    top_ae_terms: int = 10
    alpha: float = 0.05
    ph_time_transform: str = "km"

    @classmethod
    def from_mapping(cls, settings: Mapping[str, object] | None) -> AnalysisConfig:
        """Build a config from a plain mapping (e.g. parsed YAML); unknown keys are an error.

        ``reference_levels`` given here update the defaults rather than replacing them.
        """
        if settings is None:
            return cls()
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise AnalysisInputError(
                f"unknown analysis setting(s) {unknown}; valid settings are {sorted(known)}"
            )
        values = dict(settings)
        if "reference_levels" in values:
            values["reference_levels"] = {**cls().reference_levels, **values["reference_levels"]}
        for name in known:
            if name in values and isinstance(values[name], list):
                values[name] = tuple(values[name])
        return cls(**values)

    @classmethod
    def coerce(cls, config: AnalysisConfig | Mapping[str, object] | None) -> AnalysisConfig:
        """Return ``config`` itself, a config built from a mapping, or the defaults."""
        return config if isinstance(config, cls) else cls.from_mapping(config)
