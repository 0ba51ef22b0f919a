"""The plugin's only way to crflow: its Java CLI, `crflow snakemake …`, with argument lists (never a shell).

Kept free of Snakemake imports so that it is unit-tested with Debian's Python alone.
"""

import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

RUNNING = "running"
SUCCESS = "success"
FAILED = "failed"


class BridgeError(Exception):
    """crflow could not do what was asked; the message says why (crflow's own stderr included)."""


@dataclass(frozen=True)
class Answer:
    status: str
    why: str


# A process runner seam: (argv, cwd, timeout) -> (returncode, stdout, stderr). Tests pass a fake.
Runner = Callable[[List[str], Optional[str], float], "tuple[int, str, str]"]


def run_process(argv: List[str], cwd: Optional[str], timeout: float):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    return p.returncode, p.stdout, p.stderr


class Bridge:
    """`crflow snakemake submit|plugin status|cancel` for many jobs.

    bridge: the words that start `crflow snakemake` (a shell-words string, e.g. "/opt/crflow/crflow snakemake").
    """

    def __init__(
        self,
        bridge: str,
        policy: Optional[str] = None,
        root: Optional[str] = None,
        cwd: Optional[str] = None,
        runner: Runner = run_process,
        submit_timeout: float = 600.0,
        status_timeout: float = 300.0,
    ):
        words = shlex.split(bridge or "")
        if not words:
            raise BridgeError("--crflow-bridge is empty; it must start `crflow snakemake` (e.g. '/opt/crflow/crflow snakemake')")
        self.words = words
        self.policy = os.path.abspath(policy) if policy else None
        self.root = os.path.abspath(root) if root else None
        self.cwd = cwd
        self.runner = runner
        self.submit_timeout = submit_timeout
        self.status_timeout = status_timeout

    def _root_args(self) -> List[str]:
        return ["--root", self.root] if self.root else []

    def submit_argv(self, jobscript: str) -> List[str]:
        argv = self.words + ["submit"]
        if self.policy:
            argv += ["--policy", self.policy]
        return argv + self._root_args() + ["--", jobscript]

    def status_argv(self, job_ids: Sequence[str]) -> List[str]:
        return self.words + ["plugin", "status"] + self._root_args() + ["--"] + list(job_ids)

    def cancel_argv(self, job_ids: Sequence[str]) -> List[str]:
        return self.words + ["cancel", "--"] + list(job_ids)

    def submit(self, jobscript: str) -> str:
        """Submits (or reattaches to) the job of this jobscript; answers its Slurm job id."""
        rc, out, err = self._run(self.submit_argv(jobscript), self.submit_timeout)
        lines = [l.strip() for l in out.splitlines() if l.strip()]
        if rc != 0 or len(lines) != 1 or not _is_job_id(lines[0]):
            raise BridgeError(f"crflow snakemake submit failed (exit {rc}): {err.strip() or out.strip()}")
        return lines[0]

    def status(self, job_ids: Sequence[str]) -> Dict[str, Answer]:
        """The status of every job, from ONE crflow process (one squeue). Raises BridgeError when it cannot tell."""
        ids = list(dict.fromkeys(job_ids))
        if not ids:
            return {}
        rc, out, err = self._run(self.status_argv(ids), self.status_timeout)
        if rc != 0:
            raise BridgeError(f"crflow snakemake plugin status failed (exit {rc}): {err.strip()}")
        try:
            jobs = json.loads(out)["jobs"]
            answers = {str(k): Answer(str(v["status"]), str(v.get("why", ""))) for k, v in jobs.items()}
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise BridgeError(f"crflow snakemake plugin status answered something unreadable ({e}): {out[:200]!r}")
        for a in answers.values():
            if a.status not in (RUNNING, SUCCESS, FAILED):
                raise BridgeError(f"crflow snakemake plugin status answered an unknown status {a.status!r}")
        return answers

    def cancel(self, job_ids: Sequence[str]) -> None:
        ids = list(dict.fromkeys(job_ids))
        if not ids:
            return
        rc, out, err = self._run(self.cancel_argv(ids), self.status_timeout)
        if rc != 0:
            raise BridgeError(f"crflow snakemake cancel failed (exit {rc}): {err.strip()}")

    def _run(self, argv: List[str], timeout: float):
        try:
            return self.runner(argv, self.cwd, timeout)
        except FileNotFoundError as e:
            raise BridgeError(f"cannot start {argv[0]!r} ({e}); set --crflow-bridge to the command that runs `crflow snakemake`")
        except subprocess.TimeoutExpired:
            raise BridgeError(f"{' '.join(shlex.quote(a) for a in argv[:4])} … did not answer within {timeout:.0f} s")


def _is_job_id(s: str) -> bool:
    head, _, tail = s.partition("_")
    return head.isdigit() and (tail == "" or tail.isdigit())
