package dev.crflow.coordinator.container;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The container runtimes crflow renders. The coordinator reads the runtime from {@code spec.json}, where
 * the dsl writes the enum name ({@code PODMAN_HPC}); users write the command name ({@code podman-hpc}).
 * Both spellings are accepted here.
 */
public enum RuntimeKind {
    SHIFTER("shifter"),
    PODMAN_HPC("podman-hpc"),
    PODMAN("podman"),
    APPTAINER("apptainer");

    private final String command;

    RuntimeKind(String command) { this.command = command; }

    /** The executable and the DSL spelling: {@code shifter}, {@code podman-hpc}, {@code podman}, {@code apptainer}. */
    public String command() { return command; }

    public static Optional<RuntimeKind> parse(String name) {
        if (name == null) return Optional.empty();
        String n = name.trim();
        for (RuntimeKind k : values()) {
            if (k.command.equals(n) || k.name().equalsIgnoreCase(n)) return Optional.of(k);
        }
        if (n.equals("singularity")) return Optional.of(APPTAINER);
        return Optional.empty();
    }

    /** For messages: "shifter, podman-hpc, podman, apptainer". */
    public static String choices() {
        return Arrays.stream(values()).map(RuntimeKind::command).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return command.toLowerCase(Locale.ROOT); }
}
