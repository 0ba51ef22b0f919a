package dev.crflow.coordinator.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden file: spec-from-modeljson.json was written by the dsl's ModelJson.toJson of a full Step. */
class SpecReaderTest {
    @TempDir Path dir;

    @Test
    void readsEveryFieldTheCoordinatorNeedsFromTheDslJson() throws Exception {
        Path f = dir.resolve("spec.json");
        try (InputStream in = getClass().getResourceAsStream("/spec-from-modeljson.json")) {
            Files.copy(in, f);
        }
        StepSpec s = SpecReader.read(f);
        assertEquals("sim", s.name());
        assertEquals(StepSpec.CommandSpec.Kind.COMMAND, s.command().kind());
        assertEquals("python3 count.py --n 'a b'", s.command().text());
        assertEquals("/scratch/run", s.workdir());
        assertEquals(Map.of("OMP_NUM_THREADS", "4"), s.env());
        assertEquals(Optional.of(Duration.ofHours(2)), s.resources().time());
        assertEquals(2, s.retry());
        StepSpec.PolicySpec p = s.checkpoint();
        assertEquals(StepSpec.EngineKind.SIGNAL, p.engine());
        assertEquals(Optional.of(Duration.ofMinutes(30)), p.interval());
        assertEquals("USR1", p.signal());
        assertEquals(Duration.ofSeconds(90), p.lead());
        assertEquals(Optional.of("INT"), p.forward());
        assertEquals(List.of("state", "ckpt/"), p.state());
        assertEquals(3, p.keep());
        assertEquals(7, p.maxRestarts());
        assertEquals(Optional.of(Duration.ofHours(12)), p.totalTime());
        assertTrue(p.compressImages(), "given: compress true");
        assertTrue(!p.dedupImages(), "given: dedup false");
        assertEquals(StepSpec.FromScratch.ALLOW, p.fromScratch());
        assertTrue(s.container().isEmpty());
    }

    @Test
    void absentOptionalsAndUnknownFieldsAreTolerated() throws Exception {
        Path f = dir.resolve("spec.json");
        Files.writeString(f, "{\"name\":\"x\",\"future\":{\"a\":1},\"command\":{\"kind\":\"SCRIPT\",\"text\":\"echo hi\"},"
                + "\"workdir\":\"/w\",\"checkpoint\":{\"engine\":\"NONE\",\"interval\":null,\"totalTime\":null,\"forward\":null}}");
        StepSpec s = SpecReader.read(f);
        assertEquals(StepSpec.EngineKind.NONE, s.checkpoint().engine());
        assertTrue(s.checkpoint().interval().isEmpty());
        assertEquals("USR1", s.checkpoint().signal());
        assertTrue(s.resources().time().isEmpty());
        assertEquals(0, s.retry());
        assertTrue(!s.checkpoint().compressImages() && !s.checkpoint().dedupImages(), "no engine, no images to pack");
        Files.writeString(f, "{\"name\":\"x\",\"command\":{\"kind\":\"SCRIPT\",\"text\":\"echo hi\"},"
                + "\"workdir\":\"/w\",\"checkpoint\":{\"engine\":\"DMTCP\"}}");
        StepSpec.PolicySpec older = SpecReader.read(f).checkpoint();
        assertTrue(older.compressImages() && older.dedupImages(), "a spec from before compress/dedup: the engine's defaults");
        assertEquals(StepSpec.FromScratch.REFUSE, older.fromScratch(), "a spec from before fromScratch: refuse, the default");
    }

    @Test
    void aSpecWithoutCommandSaysWhatIsMissing() throws Exception {
        Path f = dir.resolve("spec.json");
        Files.writeString(f, "{\"name\":\"x\",\"workdir\":\"/w\"}");
        assertTrue(assertThrows(java.io.IOException.class, () -> SpecReader.read(f)).getMessage().contains("no command"));
    }
}
