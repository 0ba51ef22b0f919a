package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class OutputNetTest {
    @TempDir Path dir;

    @Test
    void aDeletedOutputComesBackWithWhatTheApplicationKeepsAppending() throws Exception {
        Path work = Files.createDirectories(dir.resolve("w"));
        OutputNet.JobFacts facts = new OutputNet.JobFacts("k", work.toString(), List.of("results/a.txt"),
                dir.resolve("nets/k").toString(), true);
        Path out = Files.createDirectories(work.resolve("results")).resolve("a.txt");
        try (FileWriter app = new FileWriter(out.toFile(), true)) {      // the application's open, appending file
            app.write("1\n");
            app.flush();
            OutputNet.guard(facts);
            Files.delete(out);                                           // a restarted Snakemake removes it
            assertFalse(Files.exists(out));
            app.write("2\n");
            app.flush();
            assertEquals(List.of("results/a.txt"), OutputNet.restore(facts));
            app.write("3\n");
            app.flush();
        }
        assertEquals("1\n2\n3\n", Files.readString(out), "same inode: nothing written meanwhile is lost");
        assertEquals(List.of(), OutputNet.restore(facts), "nothing to do when the output is there");
        OutputNet.release(facts);
        assertFalse(Files.exists(dir.resolve("nets/k")));
        assertEquals("1\n2\n3\n", Files.readString(out));
    }

    @Test
    void guardFollowsAReplacedFile() throws Exception {
        Path work = Files.createDirectories(dir.resolve("w"));
        OutputNet.JobFacts facts = new OutputNet.JobFacts("k", work.toString(), List.of("a.txt"), dir.resolve("nets/k").toString(), true);
        Files.writeString(work.resolve("a.txt"), "old");
        OutputNet.guard(facts);
        Files.writeString(work.resolve("a.tmp"), "new");
        Files.move(work.resolve("a.tmp"), work.resolve("a.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        OutputNet.guard(facts);
        assertTrue(Files.isSameFile(work.resolve("a.txt"), dir.resolve("nets/k/a.txt")));
    }

    @Test
    void factsRoundTripAndUnnettedJobsAreLeftAlone() throws Exception {
        OutputNet.JobFacts facts = new OutputNet.JobFacts("k", dir.toString(), List.of("x"), dir.resolve("n").toString(), false);
        OutputNet.writeFacts(dir, facts);
        assertEquals(facts, OutputNet.readFacts(dir).orElseThrow());
        OutputNet.guard(facts);
        assertFalse(Files.exists(dir.resolve("n")));
    }
}
