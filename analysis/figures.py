"""Report figures: Kaplan–Meier curves with numbers at risk, and forest plots.

Figures are drawn with matplotlib's object API on an Agg canvas (no pyplot global state, no
display needed) and returned as PNG bytes; :func:`png_data_uri` embeds them in HTML.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["forest_plot_png", "km_plot_png", "png_data_uri"]

_DPI = 110
_RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20, 50, 100)
_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#843c0c")


def _new_figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=_DPI)
    FigureCanvasAgg(figure)
    return figure


def _to_png(figure) -> bytes:
    # Margins are set explicitly: bbox_inches="tight" would cost a second full draw.
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """Return a ``data:image/png;base64,…`` URI for embedding ``png`` in HTML."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def km_plot_png(
    curves: pd.DataFrame,
    at_risk: pd.DataFrame,
    *,
    title: str,
    time_label: str = "Months since ICI start",
    y_label: str = "Survival probability",
    legend_labels: Mapping[str, str] | None = None,
) -> bytes:
    """Kaplan–Meier curves of one endpoint/stratification with a number-at-risk table beneath.

    Parameters
    ----------
    curves : pandas.DataFrame
        Rows of ``km_curves`` for one endpoint and ``group_var`` (columns ``group_value, time,
        survival, ci_lower, ci_upper, n_censored``).
    at_risk : pandas.DataFrame
        Matching rows of ``km_at_risk`` (``group_value, time, n_at_risk``); its times set the
        x axis range and ticks.
    title : str
        Figure title.
    time_label, y_label : str, optional
        Axis labels.
    legend_labels : mapping, optional
        Display label per ``group_value``.

    Returns
    -------
    bytes
        PNG image.
    """
    legend_labels = dict(legend_labels or {})
    groups = list(dict.fromkeys(curves["group_value"]))
    ticks = sorted(at_risk["time"].unique()) if not at_risk.empty else []
    x_max = max(ticks) if ticks else float(curves["time"].max())
    figure = _new_figure(8.0, 4.3 + 0.25 * len(groups))
    label_width = max((len(legend_labels.get(g, g)) for g in groups), default=8)
    left = min(0.08 + 0.0085 * label_width, 0.45)  # room for the at-risk row labels
    grid = figure.add_gridspec(
        2,
        1,
        height_ratios=[4.0, 0.5 + 0.3 * len(groups)],
        hspace=0.2,
        left=left,
        right=0.97,
        top=0.93,
        bottom=0.1,
    )
    axes = figure.add_subplot(grid[0])
    table = figure.add_subplot(grid[1], sharex=axes)
    for index, group in enumerate(groups):
        colour = _COLOURS[index % len(_COLOURS)]
        curve = curves[curves["group_value"] == group].sort_values("time")
        label = legend_labels.get(group, group)
        axes.step(curve["time"], curve["survival"], where="post", color=colour, label=label)
        axes.fill_between(
            curve["time"],
            curve["ci_lower"],
            curve["ci_upper"],
            step="post",
            color=colour,
            alpha=0.12,
            linewidth=0,
        )
        censored = curve[curve["n_censored"] > 0]
        axes.plot(censored["time"], censored["survival"], "|", color=colour, markersize=6)
        rows = at_risk[at_risk["group_value"] == group]
        y = len(groups) - index
        for time, n in zip(rows["time"], rows["n_at_risk"], strict=True):
            table.text(time, y, str(int(n)), ha="center", va="center", fontsize=8, color=colour)
        table.text(
            -0.05,
            y,
            label,
            transform=table.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            color=colour,
        )
    axes.set_xlim(0, x_max * 1.02)
    axes.set_ylim(0, 1.02)
    axes.set_ylabel(y_label)
    axes.set_title(title, fontsize=11)
    axes.grid(alpha=0.3)
    if len(groups) > 1:
        axes.legend(frameon=False, fontsize=8, loc="upper right")
    if ticks:
        axes.set_xticks(ticks)
    table.set_ylim(0.5, len(groups) + 0.5)
    table.set_yticks([])
    for side in ("top", "right", "left"):
        table.spines[side].set_visible(False)
    table.set_xlabel(time_label)
    table.set_title("Number at risk", fontsize=8, loc="left")
    axes.tick_params(labelbottom=False)
    return _to_png(figure)


def forest_plot_png(rows: pd.DataFrame, *, title: str, effect_label: str = "Hazard ratio") -> bytes:
    """Forest plot of ratio estimates (log scale) with the numbers printed on the right.

    Parameters
    ----------
    rows : pandas.DataFrame
        Columns ``label`` (display text), ``estimate``, ``ci_lower``, ``ci_upper`` and
        optionally ``p_value``; NaN estimates are listed as "not estimable".
    title : str
        Figure title.
    effect_label : str, optional
        X axis label.

    Returns
    -------
    bytes
        PNG image.
    """
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    rows = rows.reset_index(drop=True)
    height = 1.2 + 0.32 * max(len(rows), 1)
    figure = _new_figure(9.0, height)
    label_width = max((len(str(label)) for label in rows["label"]), default=10)
    figure.subplots_adjust(
        left=min(0.02 + 0.0068 * label_width, 0.5),
        right=0.74,
        top=1 - 0.45 / height,
        bottom=0.55 / height,
    )
    axes = figure.add_subplot(1, 1, 1)
    y = np.arange(len(rows))[::-1]
    finite = (
        rows["estimate"].notna()
        & rows["ci_lower"].gt(0)
        & np.isfinite(rows["ci_upper"].astype(float))
    )
    estimate, lower, upper = (
        rows.loc[finite, column].to_numpy(dtype=float)
        for column in ("estimate", "ci_lower", "ci_upper")
    )
    axes.errorbar(
        estimate,
        y[finite.to_numpy()],
        xerr=np.vstack([estimate - lower, upper - estimate]),
        fmt="s",
        color=_COLOURS[0],
        ecolor=_COLOURS[0],
        markersize=5,
        capsize=2,
    )
    axes.axvline(1.0, color="grey", linewidth=0.8, linestyle="--")
    axes.set_xscale("log")
    axes.set_yticks(y)
    axes.set_yticklabels(rows["label"], fontsize=8)
    axes.set_ylim(-0.7, len(rows) - 0.3)
    axes.set_xlabel(effect_label)
    axes.set_title(title, fontsize=11)
    axes.grid(axis="x", alpha=0.3)
    if finite.any():
        low, high = rows.loc[finite, "ci_lower"].min(), rows.loc[finite, "ci_upper"].max()
        low, high = min(low, 0.8) / 1.2, max(high, 1.25) * 1.2
        axes.set_xlim(low, high)
        ticks = [t for t in _RATIO_TICKS if low <= t <= high]
        axes.xaxis.set_major_locator(FixedLocator(ticks))
        axes.xaxis.set_major_formatter(FixedFormatter([f"{t:g}" for t in ticks]))
        axes.xaxis.set_minor_locator(NullLocator())
    for position, row in zip(y, rows.itertuples(index=False), strict=True):
        if pd.isna(row.estimate):
            text = "not estimable"
        else:
            text = f"{row.estimate:.2f} ({row.ci_lower:.2f}–{row.ci_upper:.2f})"
            p_value = getattr(row, "p_value", np.nan)
            if pd.notna(p_value):
                text += "  p<0.001" if p_value < 0.001 else f"  p={p_value:.3f}"
        axes.text(
            1.02, position, text, transform=axes.get_yaxis_transform(), va="center", fontsize=8
        )
    return _to_png(figure)
