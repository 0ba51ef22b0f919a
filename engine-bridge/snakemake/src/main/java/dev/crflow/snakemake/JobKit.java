package dev.crflow.snakemake;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.StepCommand;
import dev.crflow.executor.control.PrivateFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a Snakemake job runs from inside its control directory, and the step command that starts them.
 * <ul>
 *   <li>{@code jobscript.sh}: Snakemake's jobscript made requeue-safe ({@link Jobscript#requeueSafeText()});</li>
 *   <li>{@code crflow_smk_job.py}: runs it on the first attempt, replays the rule's recorded command after a
 *   restart from a checkpoint (Snakemake itself is Python, so Python is on every node that runs the job);</li>
 *   <li>{@code bash_env.sh}: the BASH_ENV hook that records the rule's command in the first attempt.</li>
 * </ul>
 */
public final class JobKit {
    static final String HELPER = "crflow_smk_job.py";
    static final String BASH_ENV = "bash_env.sh";
    static final String JOBSCRIPT = "jobscript.sh";

    private JobKit() {}

    public static void write(Path ctl, Jobscript jobscript) throws IOException {
        PrivateFiles.writeAtomically(ctl.resolve(JOBSCRIPT), jobscript.requeueSafeText());
        PrivateFiles.writeAtomically(ctl.resolve(HELPER), resource(HELPER));
        PrivateFiles.writeAtomically(ctl.resolve(BASH_ENV), resource(BASH_ENV));
    }

    /** {@code exec PYTHON CTL/crflow_smk_job.py run CTL [--forward SIG] [--single]}, every word quoted. */
    public static StepCommand command(Path ctl, Jobscript jobscript, CheckpointPolicy checkpoint) {
        List<String> argv = new ArrayList<>(List.of("exec", jobscript.python().orElse("python3"),
                ctl.resolve(HELPER).toString(), "run", ctl.toString()));
        if (checkpoint.engine() == Engine.SIGNAL && checkpoint.forward().isPresent()) {
            argv.add("--forward");
            argv.add(checkpoint.forward().get());
        }
        if (!jobscript.properties().isGroup()) argv.add("--single");
        List<ShellWords.Word> words = argv.stream().map(ShellWords.Word::of).toList();
        return new StepCommand(StepCommand.Kind.COMMAND, ShellWords.join(words));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = JobKit.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing resource " + name + " in the crflow jar");
            return in.readAllBytes();
        }
    }
}
