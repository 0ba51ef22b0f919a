package dev.crflow.dsl.internal;

import dev.crflow.dsl.policy.Signals;
import dev.crflow.dsl.policy.SbatchOptions;
import dev.crflow.dsl.policy.Suggest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {
    @ParameterizedTest
    @CsvSource({"90s,90", "5m,300", "1h30m,5400", "72h,259200", "2d,172800", "1h 30m,5400", "01:00:00,3600",
            "2-00:00:00,172800", "45,2700", "45:30,2730", "1-12,129600", "1-12:30,131400", "100:00:00,360000", "90:00,5400"})
    void durations(String text, long seconds) {
        Parsed<Duration> p = Durations.parse(text, true);
        assertTrue(p.isOk(), p.error());
        assertEquals(Duration.ofSeconds(seconds), p.value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1hour", "1:60", "1:00:60", "1-24", "1.5h", "-5m", "h", "5 minutes", "1-"})
    void badDurations(String text) {
        assertFalse(Durations.parse(text, true).isOk(), text);
    }

    @Test
    void bareNumbersNeedAUnitWhereSlurmWouldNotReadMinutes() {
        assertEquals("has no unit", Durations.parse("60", false).error());
        assertTrue(Durations.parse("01:00", false).isOk());
    }

    @ParameterizedTest
    @CsvSource({"4G,4096", "500M,500", "4096,4096", "1T,1048576", "1.5G,1536", "4gb,4096", "4GiB,4096", "512K,1", "2048K,2"})
    void memory(String text, long mb) {
        assertEquals(mb, Memory.parseMb(text).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4X", "0", "0G", "-1G", "G", "1.5", ""})
    void badMemory(String text) {
        assertFalse(Memory.parseMb(text).isOk(), text);
    }

    @ParameterizedTest
    @CsvSource({"USR1,USR1", "SIGUSR1,USR1", "usr2,USR2", "10,USR1", "15,TERM", "SIGINT,INT", "sigterm,TERM", "IOT,ABRT"})
    void signals(String text, String canonical) {
        assertEquals(canonical, Signals.canonical(text).value());
    }

    @Test
    void signalNumbersAndUntrappable() {
        assertEquals("USR2", Signals.canonical(12).value());
        assertFalse(Signals.canonical(0).isOk());
        assertFalse(Signals.canonical(64).isOk());
        assertFalse(Signals.canonical("USR3").isOk());
        assertTrue(Signals.untrappable("KILL"));
        assertTrue(Signals.untrappable("STOP"));
        assertFalse(Signals.untrappable("TERM"));
    }

    @Test
    void suggestionsOnlyForOneClearCandidate() {
        List<String> keywords = List.of("engine", "interval", "signal", "forward", "state", "keep", "maxRestarts", "totalTime");
        assertEquals(Optional.of("interval"), Suggest.closest("intreval", keywords));
        assertEquals(Optional.of("maxRestarts"), Suggest.closest("maxrestarts", keywords));
        assertEquals(Optional.of("keep"), Suggest.closest("kep", keywords));
        assertEquals(Optional.empty(), Suggest.closest("frobnicate", keywords));
        assertEquals(Optional.empty(), Suggest.closest("USR", List.of("USR1", "USR2")), "a tie is not a suggestion");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--exclusive", "--gres=gpu:1", "--mail-type=END,FAIL", "--exclusive=user", "--constraint-x"})
    void sbatchOptions(String option) {
        SbatchOptions.Checked c = SbatchOptions.check(option);
        if (option.equals("--constraint-x")) {
            assertNull(c.name());
        } else {
            assertNull(c.error(), c.error());
        }
    }

    @Test
    void scriptsLoseTheirCommonIndentOnly() {
        assertEquals("set -e\ncat <<EOF\n  kept\nEOF\n\n./run\n",
                Scripts.normalize("\n      set -e\n      cat <<EOF\n        kept\n      EOF\n\n      ./run\n    "));
        assertEquals("echo hi\n", Scripts.normalize("echo hi"));
    }
}
