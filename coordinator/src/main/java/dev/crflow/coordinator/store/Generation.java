package dev.crflow.coordinator.store;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One numbered generation {@code images/gen-NNNNNN/}. {@code valid}: its manifest is complete and every
 * listed file is present with its recorded size (checksums are verified by {@link ImageStore#verify}).
 */
public record Generation(int number, Path path, boolean valid, long bytes, Instant created) {}
