# crflow: runs one Snakemake cluster job under the crflow coordinator. Written into the job's control
# directory by `crflow snakemake submit`; run by the coordinator as the step's command.
#
# Why this exists (docs/snakemake.md, "Requeue and declared outputs"): Slurm re-runs the whole jobscript
# after a requeue, and the Snakemake inside it deletes the rule's declared outputs before running the rule
# (snakemake/snakemake#2357). The checkpointed state and the outputs it describes must survive together, so:
#   first attempt: run Snakemake's jobscript; the first bash Snakemake starts for the rule sources
#                  bash_env.sh (BASH_ENV), which calls `hook`: the rule's exact command, working directory and
#                  environment are recorded (atomically) before the command runs;
#   restart from a generation: the coordinator has put the state files (application state + declared
#                  outputs) back; `run` replays the recorded command directly, so nothing deletes them.
# The forwarded checkpoint signal is ignored by Snakemake and its shells and restored to its default for
# the rule's command, so only the application reacts to it.
import json
import os
import signal
import sys

RECORD = "rule-command.json"
SNAKEMAKE_SHELL_PREFIX = "set -euo pipefail;"
# Variables that describe the current attempt, not the rule: a replay takes them from now, not from the record.
CURRENT_PREFIXES = ("SLURM_", "SLURMD_", "CRFLOW_")


def log(msg):
    sys.stderr.write("crflow-snakemake: %s\n" % msg)
    sys.stderr.flush()


def restored_generation(ctl):
    """The generation the coordinator restored for this attempt, from the journal's last attempt-start."""
    env = os.environ.get("CRFLOW_RESTORED_GENERATION")
    if env:
        return env
    try:
        with open(os.path.join(ctl, "journal.jsonl"), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a torn last line
        if isinstance(event, dict) and event.get("event") == "attempt-start":
            return event.get("fromGeneration")
    return None


def set_signal(name, disposition):
    if name:
        signal.signal(getattr(signal, "SIG" + name), disposition)


def write_private(path, data):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)
    dfd = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def renet_outputs(ctl):
    """After the coordinator restored the outputs (new inodes), link the safety net to them again (OutputNet.java)."""
    try:
        with open(os.path.join(ctl, "smk-job.json"), encoding="utf-8") as f:
            facts = json.load(f)
    except (FileNotFoundError, ValueError):
        return
    if not facts.get("netted"):
        return
    for rel in facts.get("outputs", []):
        out = os.path.join(facts["workdir"], rel)
        net = os.path.join(facts["net"], rel)
        if not os.path.isfile(out) or os.path.islink(out):
            continue
        try:
            os.makedirs(os.path.dirname(net), exist_ok=True)
            tmp = "%s.%d.tmp" % (net, os.getpid())
            os.link(out, tmp)
            os.replace(tmp, net)
        except OSError as e:
            log("no safety net for %s: %s" % (rel, e))


def replay_env(recorded):
    env = {k: v for k, v in recorded.items() if not k.startswith(CURRENT_PREFIXES)}
    env.update({k: v for k, v in os.environ.items() if k.startswith(CURRENT_PREFIXES)})
    env.pop("BASH_ENV", None)
    return env


def run(ctl, forward, single):
    record_path = os.path.join(ctl, RECORD)
    generation = restored_generation(ctl)
    if single and generation is not None and os.path.exists(record_path):
        with open(record_path, encoding="utf-8") as f:
            record = json.load(f)
        log("resuming from generation %s: replaying the rule's command in %s without re-running Snakemake "
            "(which would delete the restored outputs)" % (generation, record["cwd"]))
        os.chdir(record["cwd"])
        renet_outputs(ctl)
        set_signal(forward, signal.SIG_DFL)
        shell = record["shell"]
        os.execve(shell, [shell, "-c", record["command"]], replay_env(record["env"]))
    if generation is None and os.path.exists(record_path):
        log("no checkpoint to resume from: the job starts again from the beginning")
    try:
        os.remove(record_path)
    except FileNotFoundError:
        pass
    env = dict(os.environ)
    env["CRFLOW_SMK_CONTROL"] = ctl
    if forward:
        env["CRFLOW_SMK_FORWARD"] = forward
    if single:
        env["BASH_ENV"] = os.path.join(ctl, "bash_env.sh")
        env["CRFLOW_SMK_PYTHON"] = sys.executable
    set_signal(forward, signal.SIG_IGN)
    jobscript = os.path.join(ctl, "jobscript.sh")
    os.execve("/bin/sh", ["/bin/sh", jobscript], env)


def hook(ctl, shell, command):
    """Runs in place of the bash Snakemake started for the rule (exec'd from bash_env.sh)."""
    env = dict(os.environ)
    env.pop("BASH_ENV", None)
    forward = env.get("CRFLOW_SMK_FORWARD")
    if command.lstrip().startswith(SNAKEMAKE_SHELL_PREFIX):
        write_private(os.path.join(ctl, RECORD),
                      {"command": command, "shell": shell, "cwd": os.getcwd(), "env": env})
        set_signal(forward, signal.SIG_DFL)
    else:
        env["BASH_ENV"] = os.path.join(ctl, "bash_env.sh")  # not the rule's shell: stay armed for the next one
    os.execve(shell, [shell, "-c", command], env)


def main(argv):
    if len(argv) >= 2 and argv[0] == "run":
        forward, single = None, False
        rest = argv[2:]
        while rest:
            if rest[0] == "--forward":
                forward, rest = rest[1], rest[2:]
            elif rest[0] == "--single":
                single, rest = True, rest[1:]
            else:
                raise SystemExit("crflow-snakemake: unknown argument " + rest[0])
        run(argv[1], forward, single)
    elif len(argv) == 4 and argv[0] == "hook":
        hook(argv[1], argv[2], argv[3])
    else:
        raise SystemExit("usage: crflow_smk_job.py run CTL [--forward SIG] [--single] | hook CTL SHELL COMMAND")


if __name__ == "__main__":
    main(sys.argv[1:])
