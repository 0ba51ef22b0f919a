package dev.crflow.executor.slurm;

import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one {@code squeue} call covers: the jobs with these names (a run's jobs) or all jobs of a user.
 * Either way it is ONE call, whatever the number of jobs.
 */
public record QueueQuery(SortedSet<String> names, Optional<String> user) {
    public QueueQuery {
        names = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(names));
        for (String n : names) {
            if (n.isEmpty() || n.contains(",") || n.contains("|")) throw new IllegalArgumentException("job name unusable in a query: " + n);
        }
    }

    public static QueueQuery byNames(java.util.Collection<String> names) { return new QueueQuery(new TreeSet<>(names), Optional.empty()); }

    public static QueueQuery byUser(String user) { return new QueueQuery(new TreeSet<>(), Optional.of(user)); }

    /** The squeue filter arguments. */
    List<String> filterArguments() {
        if (user.isPresent()) return List.of("--user=" + user.get());
        return List.of("--name=" + String.join(",", names));
    }
}
