package dev.crflow.executor.slurm;

import dev.crflow.executor.JobHandle;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each job was last seen running: the nodes to avoid when Slurm requeues it after a node failure. Kept in memory
 * and in job.json, so a restarted driver still knows them.
 */
final class RunningNodes {
    private final Map<String, List<String>> lastSeen = new ConcurrentHashMap<>();

    /** The job runs on {@code nodes} now (an empty list says nothing). */
    void seen(StepControlDir ctl, JobHandle job, List<String> nodes) {
        if (nodes.isEmpty() || nodes.equals(lastSeen.put(job.jobId(), nodes))) return;
        ctl.readJob().filter(r -> r.jobId().equals(job.jobId())).ifPresent(r -> {
            try {
                ctl.writeJson(ctl.job(), r.withNodes(nodes));
            } catch (IOException ignored) {
                // memory still has it
            }
        });
    }

    /** Where the job last ran, from memory or job.json; empty when never seen running. */
    List<String> known(StepControlDir ctl, JobHandle job) {
        List<String> mem = lastSeen.get(job.jobId());
        if (mem != null) return mem;
        return ctl.readJob().filter(r -> r.jobId().equals(job.jobId())).map(JobRecord::nodes).orElse(List.of());
    }

    /** {@code node1.cluster} → {@code node1}: Slurm's node names are short. */
    static String shortHost(String host) {
        int dot = host.indexOf('.');
        return dot > 0 ? host.substring(0, dot) : host;
    }
}
