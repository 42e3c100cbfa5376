"""Run every benchmark at its full size (``make benchmark``); results in build/benchmarks/.

Each benchmark compares against a baseline measured in the same run, and reports peak
memory. Sizes: the generator at 1 M members (about 14 M receipt lines), the indicator
system and segmentation at 10 M lines / 1 M customers, loyalty at 1 M members, association
rules on Online Retail and 125 k simulated baskets, identity resolution at 10 k, 100 k and
1 M records, the PDF route on the executed chapters 05 and 07 against the previous route. The grader (``bench_grading.py``, 100 submissions against serial nbgrader)
runs on its own: it takes about half an hour.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ["bench_simulate.py", "--customers", "1000000", "--baseline", "20000"],
    ["bench_kpi.py", "--lines", "10000000", "--customers", "1000000"],
    ["bench_segment.py", "--lines", "10000000", "--customers", "1000000"],
    ["bench_loyalty.py", "--customers", "1000000"],
    ["bench_basket.py", "--repeat", "3"],
    ["bench_identify.py"],
    ["bench_report.py", "--repeat", "3"],
]

if __name__ == "__main__":
    failed = 0
    for script, *args in RUNS:
        print(f"== {script} {' '.join(args)}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script), *args]).returncode != 0
    sys.exit(1 if failed else 0)
