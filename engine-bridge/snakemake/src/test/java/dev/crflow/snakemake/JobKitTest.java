package dev.crflow.snakemake;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The in-job helper with a stand-in for Snakemake's exec line (it deletes the declared output, then runs the
 * rule's command with bash -c "set -euo pipefail; …", as Snakemake does). Real Snakemake runs in SnakemakeBridgeIT.
 */
class JobKitTest {
    @TempDir Path dir;
    Path work;
    Path ctl;

    private static final String PY_SIGNAL = "python3 -c \"import signal; print(signal.getsignal(signal.SIGUSR1).name)\"";

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createDirectories(dir.resolve("work"));
        ctl = Files.createDirectories(dir.resolve("ctl"));
        String rule = "set -euo pipefail; echo line >> out/a.txt; " + PY_SIGNAL + " > rule-usr1.txt";
        String script = "#!/bin/sh\n# properties = {\"type\": \"single\", \"rule\": \"grow\", \"output\": [\"out/a.txt\"], \"jobid\": 1}\n"
                + "cd " + ShellWords.quote(work.toString()) + " && rm -f out/a.txt && mkdir -p out && " + PY_SIGNAL + " > snakemake-usr1.txt"
                + " && /bin/bash -c " + ShellWords.quote(rule) + " && exit 0 || exit 1\n";
        JobKit.write(ctl, Jobscript.parse(script));
    }

    private int run() throws Exception {
        Process p = new ProcessBuilder("python3", ctl.resolve(JobKit.HELPER).toString(), "run", ctl.toString(), "--forward", "USR1", "--single")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        assertEquals(0, rc, out);
        return rc;
    }

    private void journal(String fromGeneration) throws IOException {
        Files.writeString(ctl.resolve("journal.jsonl"), "{\"event\":\"attempt-start\",\"attempt\":1,\"fromGeneration\":null}\n"
                + "{\"event\":\"attempt-start\",\"attempt\":2,\"fromGeneration\":" + fromGeneration + "}\n{\"event\":\"chec");
    }

    @Test
    void firstAttemptRecordsTheRuleCommandAndOnlyTheRuleSeesTheForwardedSignal() throws Exception {
        run();
        assertEquals("line\n", Files.readString(work.resolve("out/a.txt")));
        String record = Files.readString(ctl.resolve("rule-command.json"));
        assertTrue(record.contains("echo line >> out/a.txt"), record);
        assertTrue(record.contains("\"cwd\":\"" + work + "\"") || record.contains("\"cwd\": \"" + work + "\""), record);
        assertFalse(record.contains("BASH_ENV"), "the replayed command must not re-arm the hook");
        assertEquals("SIG_IGN", Files.readString(work.resolve("snakemake-usr1.txt")).strip(), "Snakemake ignores the forwarded signal");
        assertEquals("SIG_DFL", Files.readString(work.resolve("rule-usr1.txt")).strip(), "the rule's command gets it");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ctl.resolve("rule-command.json"))));
    }

    @Test
    void restartFromAGenerationReplaysWithoutDeletingTheOutput() throws Exception {
        run();
        journal("3");
        Files.delete(work.resolve("snakemake-usr1.txt"));
        run();
        assertEquals("line\nline\n", Files.readString(work.resolve("out/a.txt")), "appended to the restored output");
        assertFalse(Files.exists(work.resolve("snakemake-usr1.txt")), "Snakemake was not run again");
        assertEquals("SIG_DFL", Files.readString(work.resolve("rule-usr1.txt")).strip());
    }

    @Test
    void restartWithoutAGenerationStartsAfresh() throws Exception {
        run();
        journal("null");
        run();
        assertEquals("line\n", Files.readString(work.resolve("out/a.txt")), "Snakemake deleted the partial output and reran");
    }

    @Test
    void stepCommandIsQuoted() {
        Jobscript js = Jobscript.parse("#!/bin/sh\n# properties = {\"type\": \"single\", \"rule\": \"r\", \"jobid\": 1}\n"
                + "cd '/w' && '/opt/my py/python3' -m snakemake --force --mode 2 && exit 0 || exit 1\n");
        CheckpointPolicy cp = new CheckpointPolicy(Engine.SIGNAL, Optional.empty(), "USR1", Duration.ofSeconds(30),
                Optional.of("INT"), List.of("s"), 2, 5, Optional.empty());
        assertEquals("exec '/opt/my py/python3' '/c t/crflow_smk_job.py' run '/c t' --forward INT --single",
                JobKit.command(Path.of("/c t"), js, cp).text());
        assertEquals("exec '/opt/my py/python3' '/c t/crflow_smk_job.py' run '/c t' --single",
                JobKit.command(Path.of("/c t"), js, CheckpointPolicy.none()).text());
    }
}
