package dev.crflow.dsl.model;

import java.time.Duration;
import java.util.Optional;

/**
 * Slurm resources of one step, every default resolved. Absent optionals mean "not requested":
 * the directive is not rendered and the cluster's default applies.
 *
 * @param memMb memory per node in MiB ({@code mem '4G'} is 4096)
 */
public record Resources(
        Optional<String> partition,
        Optional<String> account,
        Optional<String> qos,
        Optional<String> constraint,
        Optional<Duration> time,
        Optional<Duration> timeMin,
        int nodes,
        int ntasks,
        int cpusPerTask,
        Optional<Long> memMb) {

    public static Resources defaults() {
        return new Resources(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 1, 1, 1, Optional.empty());
    }
}
