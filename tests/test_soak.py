"""The soak benchmark's 20-run inbox version passes its checks (``bench/soak.py``): a
changing inbox (files added, replaced, renamed, removed, a bad file, a file still being
copied) never leaves a process behind, never loses or ingests a file twice, and every
output stays valid."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from helpers import REPO, api_env

pytestmark = pytest.mark.slow

RUNS = 20
# 3–6 s a run on an idle machine, ~40 s on a busy 2-core one.
TIMEOUT_SECONDS = RUNS * 120


def test_twenty_inbox_runs_over_a_changing_folder_pass_every_check(prefect_harness):
    soak = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--runs", str(RUNS), "--mode", "inbox", "--no-slow"],
        cwd=REPO,
        env=api_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    assert soak.returncode == 0, soak.stdout[-5000:] + soak.stderr[-2000:]
    assert re.search(r"failed checks +0$", soak.stdout, re.M), soak.stdout[-3000:]
    # Copies in progress on runs 3 and 13: each left for the next run.
    assert re.search(r"copies left while written +2/2$", soak.stdout, re.M), soak.stdout[-3000:]
