"""The rules scatter plot (support against confidence, coloured by lift)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from crm_helpers.schema import require_columns

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


__all__ = ["plot_rules"]


# --------------------------------------------------------------------------- plot
def plot_rules(rules: pd.DataFrame, ax: Axes | None = None, *, top: int | None = 200) -> Axes:
    """Support against confidence of the rules, coloured and sized by lift.

    >>> import matplotlib.pyplot as plt
    >>> from crm_helpers.basket import association_rules
    >>> b = pd.DataFrame({"basket": [1, 1, 2, 2, 3], "item": list("ababa")})
    >>> plot_rules(association_rules(b, 0.3, 0.5)).get_xlabel()
    'support 支持度'
    >>> plt.close("all")
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    require_columns(rules, ["support", "confidence", "lift"], "rules")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    data = rules.nlargest(top, "lift") if top is not None else rules
    sns.scatterplot(
        data=data,
        x="support",
        y="confidence",
        hue="lift",
        size="lift",
        palette="viridis",
        ax=ax,
    )
    ax.set_xlabel("support 支持度")
    ax.set_ylabel("confidence 置信度")
    ax.set_title("association rules 关联规则 (colour: lift 提升度)")
    return ax
