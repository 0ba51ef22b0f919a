package dev.crflow.snakemake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.executor.control.PrivateFiles;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A safety net under a running job's declared outputs: a second hard link to each output file, kept under the
 * bridge root ({@code <root>/nets/<key>/<output>}, same filesystem as the outputs).
 *
 * <p>Why: a Snakemake that is restarted while the job runs deletes the job's existing outputs before it
 * reattaches ({@code ClusterExecutor._run} → {@code remove_existing_output}, snakemake#2357's twin on the
 * submitting side). The application keeps appending to the same inode; with a second link that inode keeps a
 * name, and the bridge puts the output's name back ({@link #restore}) before anything else looks at it: in
 * {@code submit} (which Snakemake calls right after the deletion) and in every {@code status} call.
 *
 * <p>Only files are netted; an application that replaces its output by rename gets a new inode, which the next
 * {@link #guard} links again.
 */
public final class OutputNet {
    static final String FILE = "smk-job.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the bridge needs to know about a job later, in status and submit ({@code <ctl>/smk-job.json}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record JobFacts(String key, String workdir, List<String> outputs, String net, boolean netted) {}

    private OutputNet() {}

    public static void writeFacts(Path ctl, JobFacts facts) throws IOException {
        PrivateFiles.writeAtomically(ctl.resolve(FILE), JSON.writeValueAsBytes(facts));
    }

    public static Optional<JobFacts> readFacts(Path ctl) {
        try {
            Path f = ctl.resolve(FILE);
            return Files.isRegularFile(f) ? Optional.of(JSON.readValue(f.toFile(), JobFacts.class)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Puts back every netted output whose name Snakemake deleted. Answers the outputs restored. */
    public static List<String> restore(JobFacts facts) {
        List<String> restored = new ArrayList<>();
        if (!facts.netted()) return restored;
        Path work = Path.of(facts.workdir());
        for (String o : facts.outputs()) {
            Path out = work.resolve(o);
            Path net = Path.of(facts.net()).resolve(o);
            try {
                if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(net, LinkOption.NOFOLLOW_LINKS)) continue;
                Files.createDirectories(out.getParent());
                Files.createLink(out, net);
                restored.add(o);
            } catch (FileAlreadyExistsException raced) {
                // the application or another call made it: fine
            } catch (IOException | UnsupportedOperationException e) {
                // best effort: the checkpoint in the image store is the real guarantee
            }
        }
        return restored;
    }

    /** Makes each existing output file's net a hard link to it (again, if the application replaced the file). */
    public static void guard(JobFacts facts) {
        if (!facts.netted()) return;
        Path work = Path.of(facts.workdir());
        for (String o : facts.outputs()) {
            Path out = work.resolve(o);
            Path net = Path.of(facts.net()).resolve(o);
            try {
                if (!Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) continue;
                if (Files.exists(net, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(out, net)) continue;
                Files.createDirectories(net.getParent());
                Path tmp = net.resolveSibling("." + net.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8));
                Files.createLink(tmp, out);
                Files.move(tmp, net, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException gone) {
                // deleted meanwhile: restore handles it next time
            } catch (IOException | UnsupportedOperationException e) {
                // e.g. another filesystem: no net, the image store still has the last checkpoint
            }
        }
    }

    /** The job ended and Snakemake has its outputs: the net goes. */
    public static void release(JobFacts facts) {
        if (!facts.netted()) return;
        Path net = Path.of(facts.net());
        if (!Files.isDirectory(net)) return;
        try (var walk = Files.walk(net)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // leftovers are harmless links
        }
    }
}
