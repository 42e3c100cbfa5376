"""The source documents' terms appear in chapters 01-03 where COURSE.md places them
(simplified characters), and the old, drifted terms are gone."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent

TERMS = {
    "01_overview": [
        "以客户为中心", "银发族", "青壮族", "学生族", "单身族", "我们要怎样才能满足客户的需求",
        "一对一营销", "潜在客户", "新客户", "老客户", "流失客户", "获取", "强化", "维持",
        "指标体系", "客单价", "购物频率", "ERP", "SCM",
    ],
    "02_identification": [
        "客户视图", "识别模型", "话术", "客户画像", "标签体系", "购买行为、浏览行为、搜索行为",
        "能力", "需要", "权力", "合理", "合格", "地理", "人文", "心理", "行为",
        "客户重视的关键价值要素", "客户旅程地图", "接触点", "纷享销客", "Zoho CRM",
        "250,000", "180 countries",
    ],
    "03_communication": [
        "明星", "奶牛", "火山", "小狗", "上海大众", "客户开发中心", "800 820 1111",
        "第一层面的客户", "客户终生档案", "经销商广域网", "话术", "社群", "官方账号",
    ],
}  # fmt: skip
GONE = {"02_identification": ["可接近性"], "03_communication": ["瘦狗"]}


def _markdown(stem: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("stem", sorted(TERMS))
def test_the_seed_terms_are_taught(stem):
    text = _markdown(stem)
    missing = [t for t in TERMS[stem] if t not in text]
    assert not missing, f"{stem} lacks the source documents' terms {missing}"
    drifted = [t for t in GONE.get(stem, []) if t in text]
    assert not drifted, f"{stem} still uses {drifted}"
