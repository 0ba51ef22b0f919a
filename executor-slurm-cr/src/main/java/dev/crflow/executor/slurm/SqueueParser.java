package dev.crflow.executor.slurm;

import java.util.ArrayList;
import java.util.List;

/** Parses the output of {@link #FORMAT}. Pure: tested on output captured from a real cluster. */
public final class SqueueParser {
    /** job id | array job id | array index | name | state (long) | reason | nodes. Names never contain '|'. */
    public static final String FORMAT = "%A|%F|%K|%j|%T|%r|%N";

    private SqueueParser() {}

    public static List<QueueEntry> parse(String output) {
        List<QueueEntry> entries = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 7) throw new IllegalArgumentException("unexpected squeue line (want " + FORMAT + "): " + line);
            entries.add(new QueueEntry(f[0].strip(), f[1].strip(), f[2].strip(), f[3].strip(), SlurmState.parse(f[4]),
                    f[5].strip(), HostList.expand(f[6])));
        }
        return entries;
    }
}
