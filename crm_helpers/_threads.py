"""One native thread for small numerical fits (k-means, silhouette, BLAS).

On the course's tables (a few thousand rows) OpenMP and BLAS thread pools cost more than
they give, and on a shared, busy machine their spinning threads make a k-means fit many
times slower in wall-clock time (measured: ``choose_k`` on chapter 05's 4,559 customers,
9.2 s CPU and 31 s wall with two threads at load 13, 1.1 s CPU and 2.9 s wall with one).
A single thread also makes the fits reproducible to the last bit: scikit-learn's threaded
k-means adds the per-thread partial sums in whatever order the threads finish.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["one_thread"]


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block with native thread pools (OpenMP, BLAS) limited to one thread.

    The previous limits are restored on leaving the block.

    >>> import numpy as np
    >>> with one_thread():
    ...     float(np.ones((3, 3)).dot(np.ones(3)).sum())
    9.0
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield
