package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** Jobscripts as Snakemake 7.21 wrote them here (captured with a fake --cluster command). */
class JobscriptTest {
    static String resource(String name) throws IOException {
        try (InputStream in = JobscriptTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void singleJob() throws IOException {
        Jobscript js = Jobscript.parse(resource("single.jobscript"));
        JobProperties p = js.properties();
        assertEquals("single", p.type());
        assertFalse(p.isGroup());
        assertEquals("grow", p.name());
        assertEquals(List.of("grow"), p.rules());
        assertEquals("1", p.jobId());
        assertEquals(2, p.threads());
        assertEquals(List.of("out/a.txt"), p.output());
        assertEquals(List.of("logs/a.log"), p.log());
        assertEquals(Map.of("x", "a"), p.wildcards());
        assertEquals(3L, p.params().get("n"));
        assertEquals(5L, p.resources().get("runtime"));
        assertEquals(100L, p.resources().get("mem_mb"));
        assertEquals("30s", p.resources().get("checkpoint_interval"));
        assertEquals("debug", p.resources().get("slurm_partition"));
        assertEquals(Optional.of("/tmp/smkx"), js.workdir());
        assertEquals(Optional.of("/usr/bin/python3"), js.python());
    }

    @Test
    void groupJob() throws IOException {
        Jobscript js = Jobscript.parse(resource("group.jobscript"));
        JobProperties p = js.properties();
        assertTrue(p.isGroup());
        assertEquals("g1", p.name());
        assertEquals(List.of("grow", "two"), p.rules());
        assertEquals(36, p.jobId().length(), "group jobs have a UUID");
        assertEquals(List.of("res/b2.txt"), p.output());
        assertTrue(p.wildcards().isEmpty());
    }

    @Test
    void requeueSafeKeepsOutputsAndDropsTheTemporaryFolderWait() throws IOException {
        String original = resource("single.jobscript");
        String safe = Jobscript.parse(original).requeueSafeText();
        String[] o = original.split("\n");
        String[] s = safe.split("\n");
        assertEquals(o[0], s[0]);
        assertEquals(o[1], s[1], "the properties line stays as Snakemake wrote it");
        assertTrue(s[2].contains(" --keep-incomplete --mode 2 "), s[2]);
        assertFalse(s[2].contains(".snakemake/tmp."), s[2]);
        assertFalse(s[2].contains("--wait-for-files"), "nothing else to wait for: the flag goes too");
        assertTrue(s[2].startsWith("cd /tmp/smkx && /usr/bin/python3 -m snakemake --snakefile /tmp/smkx/Snakefile --target-jobs grow:x=a "), s[2]);
        assertTrue(s[2].endsWith(" && exit 0 || exit 1"), s[2]);
        assertTrue(s[2].contains("--default-resources 'mem_mb=max(2*input.size_mb, 1000)'"), "words with spaces stay one quoted word");
        // Idempotent, and the result still parses to the same job.
        assertEquals(safe, Jobscript.parse(safe).requeueSafeText());
        assertEquals(Jobscript.parse(original).properties(), Jobscript.parse(safe).properties());
    }

    @Test
    void otherWaitedFilesStay() {
        String line = "cd '/w' && /usr/bin/python3 -m snakemake --wait-for-files '/w/.snakemake/tmp.abc' 'in put.txt' --force --mode 2";
        assertEquals("cd /w && /usr/bin/python3 -m snakemake --wait-for-files 'in put.txt' --force --keep-incomplete --mode 2",
                Jobscript.requeueSafe(line));
    }

    @Test
    void shellWordsRoundTrip() {
        List<ShellWords.Word> w = ShellWords.split("a 'b c' \"d \\\"e\\\"\" f\\ g 'it'\\''s' && x || y");
        assertEquals(List.of("a", "b c", "d \"e\"", "f g", "it's", "&&", "x", "||", "y"), w.stream().map(ShellWords.Word::text).toList());
        assertTrue(w.get(5).operator());
        assertEquals("a 'b c' 'd \"e\"' 'f g' 'it'\\''s' && x || y", ShellWords.join(w));
        assertFalse(ShellWords.split("'&&'").get(0).operator(), "a quoted && is a word");
    }

    @Test
    void notAJobscript() {
        JobscriptException e = assertThrows(JobscriptException.class, () -> Jobscript.parse("#!/bin/sh\necho hi\n"));
        assertTrue(e.getMessage().contains("# properties"), e.getMessage());
        assertThrows(JobscriptException.class, () -> Jobscript.parse("#!/bin/sh\n# properties = {nope\n"));
        assertThrows(JobscriptException.class, () -> Jobscript.parse("#!/bin/sh\n# properties = {\"type\": \"single\"}\n"));
    }
}
