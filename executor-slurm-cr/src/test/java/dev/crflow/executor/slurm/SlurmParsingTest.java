package dev.crflow.executor.slurm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlurmParsingTest {
    static String resource(String name) throws IOException {
        try (InputStream in = SlurmParsingTest.class.getResourceAsStream("/slurm-output/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyStateMapsExplicitly() {
        for (SlurmState s : SlurmState.values()) {
            assertEquals(s, SlurmState.parse(s.name()));
            if (s != SlurmState.UNKNOWN) assertEquals(s, SlurmState.parse(s.code()));
        }
        assertEquals(SlurmState.CANCELLED, SlurmState.parse("CANCELLED by 0"));
        assertEquals(SlurmState.UNKNOWN, SlurmState.parse("SOMETHING_NEW"));
        assertEquals(JobPhase.UNKNOWN, SlurmState.parse("SOMETHING_NEW").phase());
        assertEquals(JobPhase.REQUEUED, SlurmState.REQUEUE_HOLD.phase());
        assertEquals(JobPhase.LOST, SlurmState.NODE_FAIL.phase());
        assertEquals(JobPhase.LOST, SlurmState.BOOT_FAIL.phase());
        assertEquals(JobPhase.FAILED, SlurmState.OUT_OF_MEMORY.phase());
        assertEquals(JobPhase.FAILED, SlurmState.SPECIAL_EXIT.phase());
        assertEquals(JobPhase.RUNNING, SlurmState.COMPLETING.phase());
    }

    @Test
    void squeueFromTheLocalCluster() throws IOException {
        List<QueueEntry> entries = SqueueParser.parse(resource("squeue.txt"));
        assertTrue(entries.size() >= 3, entries.toString());
        assertTrue(entries.stream().noneMatch(e -> e.state() == SlurmState.UNKNOWN), entries.toString());
        assertTrue(entries.stream().allMatch(e -> e.name().startsWith("crflow-")), entries.toString());
    }

    @Test
    void scontrolFromTheLocalCluster() throws IOException {
        JobDetails d = ScontrolParser.parse(resource("scontrol-requeued.txt")).orElseThrow();
        assertEquals(SlurmState.PENDING, d.state());
        assertEquals("BeginTime", d.reason());
        assertTrue(d.restarts() >= 1, d.toString());
    }

    @Test
    void scontrolValuesWithSpaces() {
        var f = ScontrolParser.fields("JobId=12 JobName=crflow-x-a UserId=root(0) Reason=BeginTime Dependency=(null) "
                + "Command=/tmp/a b/job.sbatch WorkDir=/tmp/a b ExitCode=0:15 NodeList=n[1-2] Restarts=3");
        assertEquals("/tmp/a b/job.sbatch", f.get("Command"));
        assertEquals("/tmp/a b", f.get("WorkDir"));
        JobDetails d = ScontrolParser.details(f);
        assertEquals(List.of("n1", "n2"), d.nodes());
        assertEquals(3, d.restarts());
        assertEquals(0, d.exitCode().orElseThrow());
    }

    @Test
    void hostLists() {
        assertEquals(List.of("n01", "n02", "n05", "gpu"), HostList.expand("n[01-02,05],gpu"));
        assertEquals(List.of(), HostList.expand(""));
        assertEquals(Arrays.asList("a", "b"), HostList.expand("a,b"));
    }
}
