package dev.crflow.cli;

import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.ModelJson;
import dev.crflow.dsl.model.Workflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShowCommandTest {
    @TempDir Path dir;

    private static final String WORKFLOW = """
            workflow('g4-sim') {
              defaults { partition 'debug'; time '01:00:00' }
              profile('perlmutter') { defaults { constraint 'cpu'; account 'm1234' } }
              step('prepare') { command 'python3 prepare.py' }
              step('simulate') {
                after 'prepare'
                command './my_g4.sh'
                workdir 'runs/sim'
                cpusPerTask 2; mem '4G'
                env OMP_NUM_THREADS: '2'
                checkpoint { engine 'dmtcp'; interval '5m'; signal 'SIGUSR1', lead: '90s' }
                container('docker:org/g4:1') { runtime 'shifter'; mount '/cvmfs:/cvmfs' }
              }
            }
            """;

    @Test
    void jsonIsTheResolvedModelAndReadsBack() throws Exception {
        Path f = dir.resolve("g4.groovy");
        Files.writeString(f, WORKFLOW);
        CliRun run = CliRun.of("show", f.toString(), "--profile", "perlmutter", "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        Workflow fromJson = ModelJson.fromJson(run.out(), Workflow.class);
        assertEquals(WorkflowLoader.load(f, Optional.of("perlmutter")), fromJson);
        var sim = fromJson.step("simulate").orElseThrow();
        assertEquals(Optional.of("cpu"), sim.resources().constraint());
        assertEquals(Optional.of("debug"), sim.resources().partition());
        assertEquals(Engine.DMTCP, sim.checkpoint().engine());
        assertEquals(Duration.ofSeconds(90), sim.checkpoint().lead());
        assertEquals(dir.resolve("runs/sim").toAbsolutePath().toString(), sim.workdir());
        assertTrue(run.out().contains("\"time\" : \"PT1H\""), run.out());
    }

    @Test
    void humanViewShowsEffectiveSettings() throws Exception {
        Path f = dir.resolve("g4.groovy");
        Files.writeString(f, WORKFLOW);
        CliRun run = CliRun.of("show", f.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        String expected = """
                workflow g4-sim  (DIR/g4.groovy)

                STEP      AFTER    TIME  NODES  TASKS  CPUS  MEM  ENGINE  INTERVAL  SIGNAL      RESTARTS  CONTAINER
                prepare   -        1h    1      1      1     -    none    -         USR1@1m     50        -
                simulate  prepare  1h    1      1      2     4G   dmtcp   5m        USR1@1m30s  50        shifter docker:org/g4:1

                step prepare  (DIR/g4.groovy:4)
                  command    python3 prepare.py
                  workdir    DIR
                  slurm      partition=debug time=1h nodes=1 ntasks=1 cpus-per-task=1
                  checkpoint engine none; on USR1 1m before the time limit: requeue and start over; max 50 restarts
                  retry      0

                step simulate  (DIR/g4.groovy:5)
                  after      prepare
                  command    ./my_g4.sh
                  workdir    DIR/runs/sim
                  slurm      partition=debug time=1h nodes=1 ntasks=1 cpus-per-task=2 mem=4G
                  env        OMP_NUM_THREADS=2
                  checkpoint engine dmtcp; every 5m; on USR1 1m30s before the time limit: checkpoint and requeue; keep 2; max 50 restarts
                  container  docker:org/g4:1 (shifter); mounts /cvmfs:/cvmfs
                  retry      0
                """.replace("DIR", dir.toAbsolutePath().normalize().toString());
        assertEquals(expected, run.out());
    }

    @Test
    void intervalAutoIsShownAsAuto() throws Exception {
        Path f = dir.resolve("auto.groovy");
        Files.writeString(f, "workflow('a') {\n  step('s') { command 'true'; checkpoint { engine 'dmtcp'; interval 'auto' } }\n}\n");
        CliRun run = CliRun.of("show", f.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("every interval the coordinator picks (auto)"), run.out());
        CliRun json = CliRun.of("show", f.toString(), "--json");
        assertTrue(json.out().contains("\"autoInterval\" : true"), json.out());
    }

    @Test
    void invalidFileShowsDiagnosticsAndExitsTwo() throws Exception {
        Path f = dir.resolve("bad.groovy");
        Files.writeString(f, "workflow('x') {\n  step('a') { comand 'x' }\n}\n");
        CliRun run = CliRun.of("show", f.toString(), "--json");
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith(f + ":2: unknown keyword 'comand' in step block; did you mean 'command'?\n"), run.err());
    }

    @Test
    void missingFileExitsTwo() {
        CliRun run = CliRun.of("show", dir.resolve("missing.groovy").toString());
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode());
        assertTrue(run.err().contains("no such file"), run.err());
    }
}
