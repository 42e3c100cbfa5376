"""Figures for the course (seaborn / matplotlib), with Chinese text that renders.

Call :func:`setup_plotting` once at the top of a notebook: it picks a font with Chinese
glyphs (Noto Sans CJK SC first) and sets the course's seaborn theme. Nothing happens at
import. Plot functions draw on an ``ax`` (made if not given) and return it; they never call
``plt.show()``.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes

__all__ = [
    "CJK_FONTS",
    "axes",
    "setup_plotting",
    "find_cjk_font",
    "plot_indicator",
    "plot_lifecycle",
    "plot_weekday_hour",
    "heatmap",
    "bars",
    "png",
]

#: Fonts with Chinese glyphs, in order of preference.
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Heiti SC",
)


def _installed_font_names() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


def find_cjk_font() -> str | None:
    """The first font of :data:`CJK_FONTS` that matplotlib can use, or ``None``.

    If the system has the font (``fc-list``) but matplotlib's font cache was built before it
    was installed, the cache is rebuilt once.
    """
    names = _installed_font_names()
    for font in CJK_FONTS:
        if font in names:
            return font
    if shutil.which("fc-list"):
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
        ).stdout
        if any(font in listed for font in CJK_FONTS):
            font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
            names = _installed_font_names()
            for font in CJK_FONTS:
                if font in names:
                    return font
    return None


def setup_plotting(context: str = "notebook", style: str = "whitegrid") -> str | None:
    """Set the seaborn theme and a Chinese-capable font; return the font's name.

    Warns (and returns ``None``) if no Chinese font is installed; on Debian or Ubuntu
    ``apt-get install fonts-noto-cjk`` provides one (``make course`` does this).
    """
    sns.set_theme(context=context, style=style, palette="deep")
    font = find_cjk_font()
    if font is None:
        warnings.warn(
            "No font with Chinese glyphs was found, so Chinese text in plots will show as "
            f"empty boxes. Install one of: {', '.join(CJK_FONTS[:3])} "
            "(Debian/Ubuntu: apt-get install fonts-noto-cjk).",
            stacklevel=2,
        )
        return None
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [font, *mpl.rcParams["font.sans-serif"]]
    mpl.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack the minus glyph
    mpl.rcParams["figure.dpi"] = 100
    return font


def axes(ax: Axes | None = None, size: tuple[float, float] = (9, 4)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches: what every plot
    helper of the course does with its ``ax`` argument.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> axes(size=(4, 2)).figure.get_size_inches().tolist()
    [4.0, 2.0]
    """
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


_ax = axes


def plot_indicator(
    table: pd.DataFrame,
    column: str,
    *,
    label: str | None = None,
    ax: Axes | None = None,
    kind: str = "line",
) -> Axes:
    """One indicator over time from :func:`crm_helpers.kpi.indicators` (period on the x axis)."""
    if column not in table.columns:
        raise KeyError(
            f"The indicator table has no column {column!r}; it has: {', '.join(table.columns)}."
        )
    ax = _ax(ax)
    x = table["period"] if "period" in table.columns else table.index
    if kind == "bar":
        ax.bar(x, table[column], width=20 if len(table) < 40 else 5)
    else:
        ax.plot(x, table[column], marker="o" if len(table) <= 40 else None)
    ax.set_ylabel(label or column)
    ax.set_xlabel("")
    return ax


def plot_lifecycle(counts: pd.DataFrame, *, ax: Axes | None = None, title: str = "") -> Axes:
    """Stacked areas of customers per lifecycle stage over time (客户生命周期)."""
    ax = _ax(ax)
    labels = {
        "prospect": "prospect 潜在",
        "new": "new 新客",
        "active": "active 活跃",
        "won_back": "won back 挽回",
        "lapsed": "lapsed 沉睡",
        "lost": "lost 流失",
    }
    cols = [c for c in labels if c in counts.columns]
    ax.stackplot(
        counts.index,
        [counts[c] for c in cols],
        labels=[labels[c] for c in cols],
        colors=sns.color_palette("Spectral_r", len(cols)),
        alpha=0.9,
    )
    ax.set_ylabel("customers 客户数")
    ax.legend(loc="upper left", fontsize="small", ncol=3)
    if title:
        ax.set_title(title)
    return ax


def _label_width(text: str, size: float) -> float:
    """A label's printed width in points (a Chinese character is about 1 em, others 0.6)."""
    return size * sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text)


def heatmap(
    ax: Axes, table: pd.DataFrame, *, annot: bool | pd.DataFrame = True, fmt: str = ".2g",
    cmap: str = "Blues",
    vmin: float | None = None, vmax: float | None = None, every: int = 1,
    xticklabels: Sequence[str] | None = None, yticklabels: Sequence[str] | None = None,
) -> Axes:  # fmt: skip
    """``table`` as a heat map on ``ax`` (rows down, columns across, no colour bar, every
    ``every``-th row labelled, cells annotated with ``fmt``, or with the text of ``annot``
    when it is a table of the same shape): what ``seaborn.heatmap``
    draws, without the full figure draw it makes to test whether tick labels overlap (the
    column labels are turned upright when their estimated width exceeds a cell).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = pd.DataFrame([[1, 2], [3, 4]], index=pd.Index(["a", "b"], name="row"))
    >>> ax = heatmap(axes(size=(3, 2)), t, fmt="d")
    >>> ax.get_ylabel(), [x.get_text() for x in ax.texts]
    ('row', ['1', '2', '3', '4'])
    """
    values = table.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    low = np.nanmin(values) if vmin is None else vmin
    high = np.nanmax(values) if vmax is None else vmax
    mesh = ax.pcolormesh(values, cmap=cmap, vmin=low, vmax=high)
    ax.set(xlim=(0, n_cols), ylim=(n_rows, 0))
    for side in ax.spines.values():
        side.set_visible(False)
    ax.grid(False)
    names = [str(c) for c in (table.columns if xticklabels is None else xticklabels)]
    size = mpl.font_manager.FontProperties(size=mpl.rcParams["xtick.labelsize"]).get_size()
    cell = ax.get_position().width * ax.figure.get_figwidth() * 72 / max(n_cols, 1)
    upright = max((_label_width(n, size) for n in names), default=0) > cell
    ax.set_xticks(np.arange(n_cols) + 0.5, names, rotation=90 if upright else 0)
    rows = np.arange(0, n_rows, max(1, every))
    ylabels = [str(i) for i in (table.index if yticklabels is None else yticklabels)]
    ax.set_yticks(rows + 0.5, [ylabels[i] for i in rows], rotation=0, va="center")
    ax.set(xlabel=table.columns.name or "", ylabel=table.index.name or "")
    if isinstance(annot, pd.DataFrame):
        _annotate(ax, mesh, annot.to_numpy(), values, "")
    elif annot:
        _annotate(ax, mesh, table.to_numpy(), values, fmt)
    return ax


def bars(
    ax: Axes,
    categories: Sequence[object] | pd.Series,
    groups: dict[str, Sequence[float] | pd.Series],
    *,
    horizontal: bool = False,
    colors: Sequence[object] | None = None,
) -> Axes:
    """One bar per category for each of ``groups`` (side by side), in the categories'
    order (the first on top when ``horizontal``): what seaborn's ``barplot`` (with ``hue``
    for several groups) draws for one value per bar, in its muted colours, without its
    per-bar statistics. No categories: nothing is drawn.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = bars(axes(size=(3, 2)), ["a", "b"], {"x": [1, 2], "y": [3, 4]})
    >>> len(ax.patches), [t.get_text() for t in ax.get_xticklabels()]
    (4, ['a', 'b'])
    """
    if not len(categories):
        return ax
    at = np.arange(len(categories))
    width = 0.8 / max(len(groups), 1)
    colors = list(colors) if colors else [f"C{i}" for i in range(len(groups))]
    draw = ax.barh if horizontal else ax.bar
    for i, (name, values) in enumerate(groups.items()):
        pos = at + (i - (len(groups) - 1) / 2) * width
        draw(pos, np.asarray(values, dtype=float), width, color=sns.desaturate(colors[i], 0.75),
             label=name)  # fmt: skip
    names = [str(c) for c in categories]
    if horizontal:
        ax.set_yticks(at, names)
        ax.set_ylim(len(at) - 0.5, -0.5)
    else:
        ax.set_xticks(at, names)
        ax.set_xlim(-0.5, len(at) - 0.5)
    return ax


def _annotate(ax: Axes, mesh: object, raw: np.ndarray, values: np.ndarray, fmt: str) -> None:
    """Each cell's value in dark or white ink by the cell's luminance (as seaborn does)."""
    from seaborn.utils import relative_luminance

    mesh.update_scalarmappable()  # type: ignore[attr-defined]
    colors = mesh.get_facecolors()  # type: ignore[attr-defined]
    for k, (i, j) in enumerate(np.ndindex(*values.shape)):
        if not np.isnan(values[i, j]):
            ink = ".15" if relative_luminance(colors[k]) > 0.408 else "w"
            ax.text(j + 0.5, i + 0.5, format(raw[i, j], fmt), color=ink, ha="center", va="center")


def plot_weekday_hour(
    tx: pd.DataFrame, *, ax: Axes | None = None, days: Sequence[str] | None = None
) -> Axes:
    """Heat map of receipts by day of week and hour (when do members shop?)."""
    ax = _ax(ax, (10, 3.5))
    receipts = tx.drop_duplicates("receipt_id")
    grid = pd.crosstab(receipts["timestamp"].dt.day_of_week, receipts["timestamp"].dt.hour)
    grid.index = list(
        days or ["Mon 一", "Tue 二", "Wed 三", "Thu 四", "Fri 五", "Sat 六", "Sun 日"]
    )[: len(grid)]
    sns.heatmap(grid, cmap="rocket_r", ax=ax, cbar_kws={"label": "receipts 小票数"})
    ax.set_xlabel("hour 小时")
    ax.set_ylabel("")
    return ax


def png(fig: mpl.figure.Figure, *, dpi: float = 110, tight: bool = True, pad: float = 0.1) -> bytes:
    """``fig`` as an opaque RGB PNG, drawn once: with ``tight``, cropped to its artists plus
    ``pad`` inches, as ``savefig(bbox_inches="tight")`` crops (which draws the figure twice);
    when the artists reach past the canvas (a legend placed outside), ``savefig`` does it
    (its PNG, with an alpha channel, after a third draw).
    A figure laid out already (``tight_layout``) is best passed with ``tight=False``.
    The figure is drawn on an Agg canvas of its own: meant for a figure closed afterwards.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = axes(size=(3, 2)); _ = ax.plot([1, 2])
    >>> png(ax.figure)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import PlaceHolderLayoutEngine
    from PIL import Image

    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)  # left by tight_layout: it would cost a dry draw
    canvas.draw()
    drawn = Image.fromarray(np.asarray(canvas.buffer_rgba()))
    if tight:
        box = fig.get_tightbbox(canvas.get_renderer())
        width, height = fig.get_size_inches()
        if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=pad)
            return buf.getvalue()
        box = box.padded(pad)  # may reach past the canvas: transparent, then white, there
        w, h = int(box.width * dpi), int(box.height * dpi)  # as savefig sizes its canvas
        left, top = round(box.x0 * dpi), drawn.height - round(box.y0 * dpi) - h
        drawn = drawn.crop((left, top, left + w, top + h))
    image = Image.new("RGB", drawn.size, "white")
    image.paste(drawn, mask=drawn.getchannel("A"))
    out = io.BytesIO()
    image.save(out, format="png")
    return out.getvalue()
