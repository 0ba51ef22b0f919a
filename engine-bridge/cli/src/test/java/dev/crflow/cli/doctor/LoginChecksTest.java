package dev.crflow.cli.doctor;

import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginChecksTest {
    @TempDir Path tmp;

    /** Answers by the command's first two words. */
    static ProcessRunner fake(Map<String, ProcessResult> answers) {
        return new ProcessRunner() {
            @Override
            public ProcessResult run(List<String> command, Duration timeout) {
                String key = command.get(0) + (command.size() > 1 ? " " + command.get(1) : "");
                return answers.getOrDefault(key, new ProcessResult(127, "", "not faked: " + command, false));
            }
        };
    }

    static ProcessResult ok(String out) {
        return new ProcessResult(0, out, "", false);
    }

    @Test
    void missingSlurmCommandsAreNamed() {
        DoctorCheck c = new LoginChecks(fake(Map.of()), tmp.toString()).slurmCommands();
        assertFalse(c.ok());
        assertTrue(c.detail().contains("sbatch") && c.advice().contains("login node"), c.toString());
    }

    @Test
    void slurmCommandsOnPathPass() throws Exception {
        for (String s : LoginChecks.SLURM_COMMANDS) {
            Path p = Files.createFile(tmp.resolve(s));
            p.toFile().setExecutable(true);
        }
        assertTrue(new LoginChecks(fake(Map.of()), "/nonexistent:" + tmp).slurmCommands().ok());
    }

    @Test
    void slurmVersionIsReadAndCompared() {
        assertTrue(new LoginChecks(fake(Map.of("sbatch --version", ok("slurm-wlm 22.05.8\n"))), "").slurmVersion().ok());
        assertTrue(new LoginChecks(fake(Map.of("sbatch --version", ok("slurm 24.11.1\n"))), "").slurmVersion().ok());
        DoctorCheck old = new LoginChecks(fake(Map.of("sbatch --version", ok("slurm 19.05.5\n"))), "").slurmVersion();
        assertFalse(old.ok());
        assertTrue(old.advice().contains("20.11"), old.toString());
    }

    @Test
    void partitionStateIsChecked() {
        String up = "PartitionName=debug AllowGroups=ALL Default=YES State=UP MaxTime=UNLIMITED\n"
                + "PartitionName=long Default=NO State=DOWN MaxTime=7-00:00:00\n";
        ProcessRunner r = fake(Map.of("scontrol show", ok(up)));
        DoctorCheck def = new LoginChecks(r, "").partition(Optional.empty());
        assertTrue(def.ok() && def.detail().startsWith("debug:"), def.toString());
        ProcessRunner down = fake(Map.of("scontrol show", ok("PartitionName=long Default=NO State=DOWN MaxTime=7-00:00:00\n")));
        assertFalse(new LoginChecks(down, "").partition(Optional.of("long")).ok());
        DoctorCheck unknown = new LoginChecks(fake(Map.of("scontrol show",
                new ProcessResult(1, "", "Partition nope not found", false))), "").partition(Optional.of("nope"));
        assertFalse(unknown.ok());
        assertTrue(unknown.advice().contains("sinfo -s"), unknown.toString());
    }

    @Test
    void controlRootIsCreatedAndWritable() {
        DoctorCheck c = new LoginChecks(fake(Map.of()), "").controlRoot(tmp.resolve("ctl/root"));
        assertTrue(Files.isDirectory(tmp.resolve("ctl/root")));
        // The temp directory may be tmpfs on some machines: then the check must fail with the shared-storage advice.
        if (!c.ok()) assertTrue(c.advice().contains("compute node"), c.toString());
    }
}
