package dev.crflow.cli.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Resume latency on REAL Slurm: from the warning signal ({@code scancel --batch -s USR1 JOB}) to the application
 * counting again from its image, with crflow (checkpoint, requeue, hold released at once) next to the seeds' script
 * pattern ({@code trap 'scontrol requeue $SLURM_JOB_ID' USR1}: the job then waits out Slurm's requeue hold).
 * Target: <= 10 s. Usage: ResumeLatencyBenchmark REPO [--no-baseline] [--no-driver]
 * ({@code --no-driver}: the driver is killed before the warning, so nothing but the coordinator's own hold releaser
 * brings the job back; issue 15).
 */
public final class ResumeLatencyBenchmark {
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        boolean baseline = !List.of(args).contains("--no-baseline");
        boolean noDriver = List.of(args).contains("--no-driver");
        Path work = Files.createTempDirectory(Path.of("/tmp"), "crflow-bench-resume-");
        Files.copy(repo.resolve("examples/count/count.py"), work.resolve("count.py"));
        Files.writeString(work.resolve("count.groovy"), """
                workflow('resume-bench') {
                  step('count') {
                    command 'python3 ../count.py'
                    workdir 'work'
                    env COUNT_STOP: '100000', COUNT_DELAY: '0.2'
                    time '00:10:00'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out' }
                  }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process driver = new ProcessBuilder(java, "-Dcrflow.home=" + repo, "-Dcrflow.java=" + java, "-jar",
                repo.resolve("engine-bridge/cli/target/crflow.jar").toString(), "run", "count.groovy", "--executor", "slurm",
                "--poll", "1s", "--workdir", work.toString()).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("run.log").toFile()).start();
        Path out = work.resolve("work/count.out");
        Path journal = work.resolve(".crflow/steps/count/journal.jsonl");
        try {
            waitFor(() -> lines(out) >= 10, Duration.ofMinutes(3));
            String job = Files.readString(work.resolve(".crflow/steps/count/job.json")).replaceAll("(?s).*\"jobId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            if (noDriver) {
                driver.destroyForcibly();
                driver.waitFor();
            }
            long before = lines(out);
            Instant t0 = Instant.now();
            sh("scancel", "--batch", "-s", "USR1", job);
            // running again from its image: a number printed by the next attempt
            waitFor(() -> attemptStarts(journal) >= 2 && lines(out) > before + 1, Duration.ofMinutes(5));
            Duration crflow = Duration.between(t0, Instant.now());
            System.out.printf("crflow%s: warning signal -> application counting again from its image: %.1f s (target <= 10 s)%n",
                    noDriver ? " (no driver alive)" : "", crflow.toMillis() / 1000.0);
            for (String l : Files.readAllLines(journal)) {
                if (l.contains("\"checkpoint\"") || l.contains("\"requeue\"") || l.contains("\"restore\"")) System.out.println("  " + l);
            }
            // a plain scancel would make the coordinator checkpoint and requeue itself: end it the way crflow cancel does
            sh("scontrol", "hold", job);
            sh("scontrol", "update", "JobId=" + job, "Requeue=0");
            sh("scancel", job);
        } finally {
            driver.destroyForcibly();
        }
        if (baseline) baseline(work);
    }

    /** The seeds' pattern: requeue from the trap and nothing else; the next run waits out the hold. */
    static void baseline(Path work) throws Exception {
        Path script = work.resolve("seeds-pattern.sbatch");
        Path log = work.resolve("seeds-pattern.log");
        Files.writeString(script, """
                #!/bin/bash
                #SBATCH --job-name=crflow-bench-seeds
                #SBATCH --requeue
                #SBATCH --open-mode=append
                #SBATCH --time=10
                #SBATCH --output=%s
                echo "start $(date +%%s.%%N) restart ${SLURM_RESTART_COUNT:-0}"
                trap 'scontrol requeue $SLURM_JOB_ID; exit 0' USR1
                while true; do sleep 0.2; done
                """.formatted(log));
        String job = sh("sbatch", "--parsable", script.toString()).strip();
        try {
            waitFor(() -> count(log, "start ") >= 1, Duration.ofMinutes(2));
            Instant t0 = Instant.now();
            sh("scancel", "--batch", "-s", "USR1", job);
            waitFor(() -> count(log, "start ") >= 2, Duration.ofMinutes(6));
            System.out.printf("seeds' script pattern (requeue, no hold release): warning signal -> running again: %.1f s%n",
                    Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        } finally {
            sh("scancel", job);
        }
    }

    interface Check { boolean ok() throws Exception; }

    static void waitFor(Check c, Duration timeout) throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (!c.ok()) {
            if (Instant.now().isAfter(end)) throw new IllegalStateException("timed out");
            Thread.sleep(100);
        }
    }

    static long lines(Path p) throws Exception { return Files.exists(p) ? Files.readAllLines(p).size() : 0; }

    static long count(Path p, String prefix) throws Exception {
        return Files.exists(p) ? Files.readAllLines(p).stream().filter(l -> l.startsWith(prefix)).count() : 0;
    }

    static long attemptStarts(Path journal) throws Exception {
        return Files.exists(journal) ? Files.readAllLines(journal).stream().filter(l -> l.contains("\"attempt-start\"")).count() : 0;
    }

    static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + o);
        return o;
    }
}
