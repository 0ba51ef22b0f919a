"""Stand-in RemoteExecutor: the real one's constructor contract (workflow, logger, then __post_init__), a
rate limiter, and report_* methods that record what the plugin reported."""
import os


class _Limiter:
    def __init__(self):
        self.entered = 0

    async def __aenter__(self):
        self.entered += 1

    async def __aexit__(self, *exc):
        return False


class RemoteExecutor:
    def __init__(self, workflow, logger):
        self.workflow = workflow
        self.dag = workflow.dag
        self.logger = logger
        self.status_rate_limiter = _Limiter()
        self.reported = []   # (kind, external_jobid, msg)
        self.__post_init__()

    def __post_init__(self):
        pass

    def get_jobscript(self, job):
        return os.path.join(self.workflow.tmpdir, f"snakejob.{job.name}.{job.jobid}.sh")

    def write_jobscript(self, job, jobscript):
        with open(jobscript, "w") as f:
            f.write("#!/bin/sh\n# properties = {}\n" + self.get_job_exec_prefix(job) + " && python3 -m snakemake --mode remote\n")

    def get_job_exec_prefix(self, job):
        return ""

    def report_job_submission(self, job_info):
        self.reported.append(("submitted", job_info.external_jobid, None))

    def report_job_success(self, job_info):
        self.reported.append(("success", job_info.external_jobid, None))

    def report_job_error(self, job_info, msg=None, **kwargs):
        self.reported.append(("error", job_info.external_jobid, msg))
