"""Where the pipeline's threads go.

NumPy's BLAS starts one thread per core. For the small matrix products of two-tower and
logistic-regression training that costs more than it gains, and on a shared machine a second
thread that has to wait for a busy core stalls every product (a gradient step took 26 ms on one
thread and 95-180 ms on two under load). So training holds BLAS to one thread, and so does the
request path (one thread per request; a fleet scales by workers). FAISS's index build is the
exception: its k-means is large enough to use every core, and it is left its threads.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS (NumPy's and FAISS's) on one thread inside the block, as it was after it."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def cores() -> int:
    """The cores this process may run on (its CPU affinity), not the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
