"""Unit tests of snakemake-executor-plugin-crflow with Debian's Python alone: the snakemake-interface packages are
absent in CI, so tests/stubs stands in for exactly what the plugin imports; crflow's CLI is a fake runner (argv,
cwd, timeout -> exit code, stdout, stderr) or, once, a real process. Run: python3 -m unittest discover -s tests
"""
import asyncio
import json
import os
import stat
import sys
import tempfile
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "stubs"))
sys.path.insert(0, os.path.dirname(HERE))

from snakemake_executor_plugin_crflow import Executor, ExecutorSettings, common_settings  # noqa: E402
from snakemake_executor_plugin_crflow.bridge import Bridge, BridgeError, run_process  # noqa: E402
from snakemake_interface_common.exceptions import WorkflowError  # noqa: E402
from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo  # noqa: E402


class FakeCli:
    """Records every crflow call; answers from a table keyed by subcommand."""

    def __init__(self):
        self.calls = []
        self.answers = {}

    def __call__(self, argv, cwd, timeout):
        self.calls.append(argv)
        sub = "plugin status" if argv[2:4] == ["plugin", "status"] else argv[2]
        answer = self.answers.get(sub, (0, "", ""))
        return answer(argv) if callable(answer) else answer


class Logger:
    def __init__(self):
        self.lines = []

    def info(self, m):
        self.lines.append(("info", m))

    def warning(self, m):
        self.lines.append(("warning", m))


class BridgeTest(unittest.TestCase):
    def test_argv_are_lists_and_carry_policy_and_root(self):
        b = Bridge("'/opt/my crflow/crflow' snakemake", policy="/p/pol.groovy", root="/r")
        self.assertEqual(
            ["/opt/my crflow/crflow", "snakemake", "submit", "--policy", "/p/pol.groovy", "--root", "/r", "--", "/t/job 1.sh"],
            b.submit_argv("/t/job 1.sh"),
        )
        self.assertEqual(["/opt/my crflow/crflow", "snakemake", "plugin", "status", "--root", "/r", "--", "1", "2"], b.status_argv(["1", "2"]))
        self.assertEqual(["/opt/my crflow/crflow", "snakemake", "cancel", "--", "1", "2"], b.cancel_argv(["1", "2"]))

    def test_empty_bridge_is_refused(self):
        with self.assertRaises(BridgeError):
            Bridge("  ")

    def test_submit_answers_the_one_job_id(self):
        cli = FakeCli()
        cli.answers["submit"] = (0, "4242\n", "crflow: rule count submitted as job 4242\n")
        self.assertEqual("4242", Bridge("crflow snakemake", runner=cli).submit("/t/j.sh"))

    def test_submit_failure_carries_crflows_message(self):
        cli = FakeCli()
        cli.answers["submit"] = (2, "", "crflow: resource runtime: 'abc' is not a duration\n")
        with self.assertRaises(BridgeError) as e:
            Bridge("crflow snakemake", runner=cli).submit("/t/j.sh")
        self.assertIn("runtime", str(e.exception))
        cli.answers["submit"] = (0, "not-an-id\n", "")
        with self.assertRaises(BridgeError):
            Bridge("crflow snakemake", runner=cli).submit("/t/j.sh")

    def test_status_of_many_jobs_is_one_call(self):
        cli = FakeCli()
        doc = {"jobs": {"1": {"status": "running", "why": "RUNNING"}, "2": {"status": "success", "why": "done"}}}
        cli.answers["plugin status"] = (0, json.dumps(doc) + "\n", "")
        answers = Bridge("crflow snakemake", runner=cli).status(["1", "2", "1"])
        self.assertEqual(1, len(cli.calls))
        self.assertEqual(["1", "2"], cli.calls[0][-2:], "each id once")
        self.assertEqual("running", answers["1"].status)
        self.assertEqual("success", answers["2"].status)

    def test_unreadable_or_failed_status_raises(self):
        cli = FakeCli()
        for answer in [(3, "", "squeue: error"), (0, "{", ""), (0, '{"jobs": {"1": {"status": "maybe"}}}', "")]:
            cli.answers["plugin status"] = answer
            with self.assertRaises(BridgeError):
                Bridge("crflow snakemake", runner=cli).status(["1"])

    def test_missing_program_is_a_bridge_error(self):
        with self.assertRaises(BridgeError) as e:
            Bridge("/nonexistent/crflow snakemake").status(["1"])
        self.assertIn("--crflow-bridge", str(e.exception))

    def test_real_process_gets_arguments_without_a_shell(self):
        with tempfile.TemporaryDirectory() as d:
            fake = os.path.join(d, "fake crflow")
            with open(fake, "w") as f:
                f.write("#!/usr/bin/env python3\nimport json, sys\n"
                        "print(json.dumps({'jobs': {'1': {'status': 'failed', 'why': ' '.join(sys.argv[1:])}}}))\n")
            os.chmod(fake, stat.S_IRWXU)
            b = Bridge(f"'{fake}' snakemake", root=os.path.join(d, "r;$(touch x)"), runner=run_process, cwd=d)
            a = b.status(["1"])["1"]
            self.assertEqual("failed", a.status)
            self.assertIn("r;$(touch x)", a.why)
            self.assertFalse(os.path.exists(os.path.join(d, "x")), "nothing went through a shell")


class Job:
    def __init__(self, jobid, name="count"):
        self.jobid = jobid
        self.name = name

    def is_group(self):
        return False


class Dag:
    def __init__(self, incomplete=None):
        self.incomplete = incomplete or {}

    def incomplete_external_jobid(self, job):
        return self.incomplete.get(job.jobid)


def executor(cli, tmpdir, incomplete=None, **settings):
    s = ExecutorSettings(**settings)
    workflow = types.SimpleNamespace(executor_settings=s, dag=Dag(incomplete), tmpdir=tmpdir, workdir_init="/work dir")
    ex = Executor(workflow, Logger())
    ex.crflow.runner = cli
    return ex


async def collect(agen):
    return [x async for x in agen]


class ExecutorTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.cli = FakeCli()

    def test_common_settings_are_a_remote_executor_on_a_shared_filesystem(self):
        self.assertTrue(common_settings.non_local_exec)
        self.assertFalse(common_settings.implies_no_shared_fs)

    def test_settings_defaults(self):
        s = ExecutorSettings()
        self.assertIsNone(s.policy)
        self.assertIsNone(s.root)
        self.assertTrue(s.bridge)

    def test_run_job_writes_the_jobscript_and_submits_it_through_crflow(self):
        self.cli.answers["submit"] = (0, "77\n", "")
        policy = os.path.join(self.tmp.name, "pol.groovy")
        open(policy, "w").close()
        ex = executor(self.cli, self.tmp.name, bridge="crflow snakemake", policy=policy)
        ex.run_job(Job(3))
        [argv] = self.cli.calls
        self.assertEqual(["crflow", "snakemake", "submit", "--policy", policy, "--"], argv[:6])
        with open(argv[6]) as f:
            script = f.read()
        self.assertIn("cd '/work dir' && python3 -m snakemake", script, "crflow finds the workflow's directory in the cd")
        self.assertEqual([("submitted", "77", None)], ex.reported)

    def test_a_restarted_snakemake_reattaches_instead_of_submitting(self):
        ex = executor(self.cli, self.tmp.name, incomplete={3: "55"})
        ex.run_job(Job(3))
        self.assertEqual([], self.cli.calls, "no submission")
        self.assertEqual([("submitted", "55", None)], ex.reported)

    def test_a_failed_submission_is_the_jobs_error(self):
        self.cli.answers["submit"] = (3, "", "crflow: sbatch: error: Slurm controller not responding")
        ex = executor(self.cli, self.tmp.name)
        ex.run_job(Job(4))
        [(kind, jobid, msg)] = ex.reported
        self.assertEqual("error", kind)
        self.assertIn("Slurm controller not responding", msg)

    def test_missing_policy_file_is_refused(self):
        with self.assertRaises(WorkflowError):
            executor(self.cli, self.tmp.name, policy="/nonexistent/policy.groovy")

    def test_one_status_call_for_all_active_jobs(self):
        doc = {"jobs": {str(i): {"status": "running", "why": "RUNNING"} for i in range(200)}}
        doc["jobs"]["5"] = {"status": "success", "why": "the coordinator recorded completion"}
        doc["jobs"]["6"] = {"status": "failed", "why": "the coordinator recorded FAILED (exit code 1)"}
        self.cli.answers["plugin status"] = (0, json.dumps(doc), "")
        ex = executor(self.cli, self.tmp.name)
        active = [SubmittedJobInfo(Job(i), external_jobid=str(i)) for i in range(200)]
        still = asyncio.run(collect(ex.check_active_jobs(active)))
        self.assertEqual(1, len(self.cli.calls), "one crflow process (one squeue) per poll")
        self.assertEqual([str(i) for i in range(200)], self.cli.calls[0][5:], "all 200 ids in that one call")
        self.assertEqual(198, len(still))
        self.assertIn(("success", "5", None), ex.reported)
        [err] = [r for r in ex.reported if r[0] == "error"]
        self.assertEqual("6", err[1])
        self.assertIn("FAILED (exit code 1)", err[2])
        self.assertEqual(1, ex.status_rate_limiter.entered)

    def test_status_trouble_keeps_every_job_running(self):
        self.cli.answers["plugin status"] = (3, "", "squeue timed out")
        ex = executor(self.cli, self.tmp.name)
        active = [SubmittedJobInfo(Job(i), external_jobid=str(i)) for i in range(3)]
        still = asyncio.run(collect(ex.check_active_jobs(active)))
        self.assertEqual(3, len(still), "unknown is never failed")
        self.assertEqual([], ex.reported)
        self.assertTrue(any(kind == "warning" for kind, _ in ex.logger.lines))

    def test_a_job_missing_from_the_answer_stays_active(self):
        self.cli.answers["plugin status"] = (0, '{"jobs": {}}', "")
        ex = executor(self.cli, self.tmp.name)
        still = asyncio.run(collect(ex.check_active_jobs([SubmittedJobInfo(Job(1), external_jobid="1")])))
        self.assertEqual(1, len(still))

    def test_no_active_jobs_no_call(self):
        ex = executor(self.cli, self.tmp.name)
        self.assertEqual([], asyncio.run(collect(ex.check_active_jobs([]))))
        self.assertEqual([], self.cli.calls)

    def test_cancel_is_one_call(self):
        ex = executor(self.cli, self.tmp.name)
        ex.cancel_jobs([SubmittedJobInfo(Job(i), external_jobid=str(i)) for i in range(450)])
        [argv] = self.cli.calls
        self.assertEqual(["crflow", "snakemake", "cancel", "--"], argv[:4])
        self.assertEqual(450, len(argv) - 4)

    def test_cancel_during_a_status_poll_cancels_the_jobs_under_check(self):
        # Snakemake empties its active_jobs while they are checked: a Ctrl-C then must still cancel them
        ex = executor(self.cli, self.tmp.name)
        active = [SubmittedJobInfo(Job(i), external_jobid=str(i)) for i in range(3)]

        def status_while_cancelled(argv):
            ex.cancel_jobs([])   # what Snakemake's cancel() passes in that window
            return (0, json.dumps({"jobs": {}}), "")
        self.cli.answers["plugin status"] = status_while_cancelled
        asyncio.run(collect(ex.check_active_jobs(active)))
        [cancel] = [argv for argv in self.cli.calls if argv[2] == "cancel"]
        self.assertEqual(["0", "1", "2"], cancel[4:])
        # once the poll is over, the jobs are back in Snakemake's own list: no stale ids
        self.cli.calls.clear()
        ex.cancel_jobs([SubmittedJobInfo(Job(9), external_jobid="9"), SubmittedJobInfo(Job(9), external_jobid="9")])
        self.assertEqual([["crflow", "snakemake", "cancel", "--", "9"]], self.cli.calls)


if __name__ == "__main__":
    unittest.main()
