"""snakemake-executor-plugin-crflow: `snakemake --executor crflow` runs each job as a checkpointable crflow step
on Slurm (checkpoint, requeue and resume across walltimes, preemption and lost nodes), thin over crflow's Java CLI:

- run_job: Snakemake's own jobscript, handed to `crflow snakemake submit` (the same path as Snakemake 7's
  --cluster: policy file by rule name, the rule's resources -- runtime, mem_mb, cpus_per_task, slurm_partition,
  slurm_account, checkpoint_* -- override it; declared outputs survive requeues). A restarted Snakemake reattaches:
  a job Snakemake's metadata names as running is not submitted again, and crflow's submit itself answers the
  running job's id for a job it already runs.
- check_active_jobs: ONE `crflow snakemake plugin status` for ALL active jobs per poll (one JVM, one squeue).
- cancel_jobs: ONE `crflow snakemake cancel` for all jobs (one scancel per 200 ids); each job checkpoints first.
"""

import os
import shlex
from dataclasses import dataclass, field
from typing import AsyncGenerator, List, Optional

from snakemake_interface_common.exceptions import WorkflowError
from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo
from snakemake_interface_executor_plugins.executors.remote import RemoteExecutor
from snakemake_interface_executor_plugins.jobs import JobExecutorInterface
from snakemake_interface_executor_plugins.settings import CommonSettings, ExecutorSettingsBase

from .bridge import RUNNING, SUCCESS, Bridge, BridgeError

__all__ = ["ExecutorSettings", "Executor", "common_settings"]


# Each field is a Snakemake flag --crflow-<name> (and a profile key crflow-<name>).
@dataclass
class ExecutorSettings(ExecutorSettingsBase):
    bridge: str = field(
        default=os.environ.get("CRFLOW_BRIDGE", "crflow snakemake"),
        metadata={
            "help": "the command that runs crflow's Snakemake bridge, as shell words "
            "(default: 'crflow snakemake', or $CRFLOW_BRIDGE)",
        },
    )
    policy: Optional[str] = field(
        default=None,
        metadata={
            "help": "crflow policy file: policy { match('glob') { checkpoint { … } } } by rule name, as in the "
            "DSL; the rule's resources override it (default: $CRFLOW_POLICY)",
        },
    )
    root: Optional[str] = field(
        default=None,
        metadata={
            "help": "where crflow keeps the jobs' control directories "
            "(default: $CRFLOW_SNAKEMAKE_ROOT or <workdir>/.crflow/snakemake)",
        },
    )


common_settings = CommonSettings(
    non_local_exec=True,
    implies_no_shared_fs=False,
    job_deploy_sources=False,
    pass_default_storage_provider_args=True,
    pass_default_resources_args=True,
    pass_envvar_declarations_to_cmd=True,
    auto_deploy_default_storage_provider=False,
    # sbatch needs a moment before squeue lists a job
    init_seconds_before_status_checks=2,
)


class Executor(RemoteExecutor):
    def __post_init__(self):
        s = self.workflow.executor_settings
        try:
            self.crflow = Bridge(
                s.bridge,
                policy=s.policy or os.environ.get("CRFLOW_POLICY") or None,
                root=s.root,
                cwd=os.getcwd(),
            )
        except BridgeError as e:
            raise WorkflowError(str(e))
        if self.crflow.policy and not os.path.isfile(self.crflow.policy):
            raise WorkflowError(f"crflow policy file {self.crflow.policy} does not exist (--crflow-policy)")

    # The jobscript runs Snakemake for the job in the workflow's directory, as Snakemake 7's cluster executor did:
    # crflow reads that directory from the `cd` and keeps its control directories under it.
    def get_job_exec_prefix(self, job: JobExecutorInterface):
        return f"cd {shlex.quote(self.workflow.workdir_init)}"

    def run_job(self, job: JobExecutorInterface):
        incomplete = getattr(self.dag, "incomplete_external_jobid", None)
        ext_jobid = incomplete(job) if incomplete else None
        if ext_jobid:
            # A restarted Snakemake: the job is still running under crflow; watch it, do not submit it again.
            self.logger.info(f"Resuming incomplete job {job.jobid} with external jobid '{ext_jobid}'.")
            self.report_job_submission(SubmittedJobInfo(job, external_jobid=ext_jobid))
            return
        jobscript = self.get_jobscript(job)
        self.write_jobscript(job, jobscript)
        try:
            jobid = self.crflow.submit(jobscript)
        except BridgeError as e:
            self.report_job_error(SubmittedJobInfo(job), msg=f"{e}\n")
            return
        self.logger.info(f"Submitted {'group job' if job.is_group() else 'job'} {job.jobid} with external jobid '{jobid}'.")
        self.report_job_submission(SubmittedJobInfo(job, external_jobid=jobid, aux={"jobscript": jobscript}))

    async def check_active_jobs(self, active_jobs: List[SubmittedJobInfo]) -> AsyncGenerator[SubmittedJobInfo, None]:
        if not active_jobs:
            return
        # Snakemake takes the jobs out of its active_jobs while they are checked and puts the running ones back only
        # afterwards; a status call is a JVM and takes seconds, so a Ctrl-C in that window cancelled nothing (seen in
        # SnakemakePluginIT with 200 jobs on Snakemake 9.25). cancel_jobs also cancels the jobs under check.
        self._under_check = list(active_jobs)
        try:
            async with self.status_rate_limiter:
                try:
                    answers = self.crflow.status([j.external_jobid for j in active_jobs])
                except BridgeError as e:
                    # Unknown is never failed: keep every job and ask again at the next poll.
                    self.logger.warning(f"crflow: cannot tell the jobs' status now ({e}); asking again later")
                    answers = {}
            for j in active_jobs:
                a = answers.get(j.external_jobid)
                if a is None or a.status == RUNNING:
                    yield j
                elif a.status == SUCCESS:
                    self.report_job_success(j)
                else:
                    self.report_job_error(j, msg=f"crflow: Slurm job {j.external_jobid}: {a.why}\n")
        finally:
            self._under_check = []

    def cancel_jobs(self, active_jobs: List[SubmittedJobInfo]):
        ids = []
        for j in list(active_jobs) + list(getattr(self, "_under_check", [])):
            if j.external_jobid and j.external_jobid not in ids:
                ids.append(j.external_jobid)
        if not ids:
            return
        try:
            self.crflow.cancel(ids)
        except BridgeError as e:
            self.logger.warning(f"crflow: {e}")
