"""Chapter 08 teaches every term of COURSE.md's chapter 08 section, with the source's Chinese
(simplified characters) in its markdown: the list below follows that section item by item,
in the source's words (seed 001, "CRM战略的实施和变革")."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent

#: COURSE.md chapter 08, item by item: the Chinese terms the chapter must teach.
TERMS = {
    "three implementation layers": ["实施层次", "公司远景和公司层战略", "价值观和企业文化",
                                    "实际使能层次", "以客户为中心", "重视客户利益", "情感忠诚"],
    "implementation model": ["CRM战略实施模型", "客户信息的获取", "客户互动", "交易资源",
                             "客户调查", "客户数据文件", "第三方统计信息", "显性", "隐性",
                             "客户分析", "客户细分", "盈利性", "客户生命周期价值", "客户获取",
                             "客户强化", "客户维持", "部分功能解决方案", "完全整合解决方案"],
    "evaluation and feedback": ["评估与反馈", "客户价值是否提升", "成本是否降低",
                                "效率和效益是否增长"],
    "culture change": ["文化变革", "打破企业固有的价值观体系", "大客户文化", "高层的推广",
                       "角色调整", "薪酬与奖惩制度", "打破部门之间的"],
    "integration": ["价值链的系统整合", "需求计划", "生产计划", "分销计划", "SCM与CRM的整合",
                    "ERP与CRM的整合"],
    "BPR": ["业务流程再造", "40", "跨越职能部门", "采购", "供应商认证和测评系统", "EDI",
            "销售自动化", "SFA", "营销自动化"],
    "customer-oriented HR": ["客户导向的人力资源管理", "正确甄选人选", "教育培训员工",
                             "与业务相关", "与人相关", "与员工自身相关", "培训目标",
                             "建立绩效管理", "员工授权"],
    "infrastructure stages": ["基础设施建设", "创建资料库", "连续协调", "共生协调", "整合协调"],
    "key success factors": ["高层支持", "各层次成员参与", "专家参与与融合", "指导委员会"],
    "the nine problems": ["缺乏整体规划", "缺乏清晰的远景", "最佳实践综合症",
                          "缺乏高层管理人员的支持", "责任认识误区", "蜕变成为报告流程的再造",
                          "由技术使能而歪曲为信息技术驱动", "客户关系管理对象的认识错误",
                          "缺乏与人力资源的联系"],
    "the Shanghai Volkswagen case": ["上海大众", "客户开发中心", "经销商"],
}  # fmt: skip
ENGLISH = ["culture change", "big-customer culture", "steering committee", "best-practice syndrome",
           "Shanghai Volkswagen", "sales force automation", "marketing automation",
           "empowerment", "difference-in-differences"]  # fmt: skip


def _markdown() -> str:
    nb = nbformat.read(ROOT / "notebooks" / "08_implementation.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("item", sorted(TERMS))
def test_every_course_term_of_chapter_08_is_taught(item):
    text = _markdown()
    missing = [t for t in TERMS[item] if t not in text]
    assert not missing, f"08_implementation lacks {item!r}: {missing}"


def test_the_english_names_stand_beside_the_chinese():
    text = _markdown().lower()
    missing = [t for t in ENGLISH if t.lower() not in text]
    assert not missing, f"08_implementation lacks the English terms {missing}"
