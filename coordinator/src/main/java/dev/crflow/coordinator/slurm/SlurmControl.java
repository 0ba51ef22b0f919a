package dev.crflow.coordinator.slurm;

import dev.crflow.coordinator.proc.ProcessLauncher;

import java.io.IOException;
import java.util.List;

/** The seam for every scontrol call: argv in, result out (tests record the command lines). */
public interface SlurmControl {
    ProcessLauncher.CommandResult scontrol(List<String> args) throws IOException;

    /** Real {@code scontrol} on PATH. */
    static SlurmControl system(ProcessLauncher launcher) {
        return args -> {
            List<String> cmd = new java.util.ArrayList<>();
            cmd.add("scontrol");
            cmd.addAll(args);
            return launcher.run(cmd, java.util.Map.of(), java.time.Duration.ofSeconds(30));
        };
    }
}
