package dev.crflow.coordinator.container;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A bind mount: {@code host} seen at {@code container} inside the image.
 * Parsed from the DSL's {@code "host:container[:options]"} (options comma-separated, e.g. {@code ro} or
 * {@code ro,z}); a bare {@code "/path"} binds the path onto itself.
 *
 * @param options the mount options other than {@code ro}/{@code rw}, passed to the runtime as written
 */
public record Bind(String host, String container, boolean readOnly, List<String> options) {
    private static final Pattern OPTION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    public Bind {
        requireAbsolute(host, "host");
        requireAbsolute(container, "container");
        options = List.copyOf(options);
        for (String o : options) {
            if (!OPTION.matcher(o).matches()) throw new IllegalArgumentException("mount option '" + o + "' is not a word");
        }
    }

    public Bind(String host, String container, boolean readOnly) { this(host, container, readOnly, List.of()); }

    public static Bind same(String path, boolean readOnly) { return new Bind(path, path, readOnly); }

    public static Bind parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("an empty mount; write it as '/host/path:/container/path[:ro]'");
        String[] parts = spec.split(":", -1);
        return switch (parts.length) {
            case 1 -> same(parts[0], false);
            case 2 -> parts[1].startsWith("/") ? new Bind(parts[0], parts[1], false) : withOptions(parts[0], parts[0], parts[1], spec);
            case 3 -> withOptions(parts[0], parts[1], parts[2], spec);
            default -> throw new IllegalArgumentException("mount '" + spec + "' has too many ':'; write it as '/host/path:/container/path[:ro]'");
        };
    }

    private static Bind withOptions(String host, String container, String optionText, String spec) {
        boolean ro = false;
        List<String> rest = new ArrayList<>();
        for (String o : optionText.split(",", -1)) {
            if (o.equals("ro")) ro = true;
            else if (o.equals("rw")) ro = false;
            else if (OPTION.matcher(o).matches()) rest.add(o);
            else throw new IllegalArgumentException("mount '" + spec + "': options after the second ':' are words separated by ',' (e.g. 'ro')");
        }
        return new Bind(host, container, ro, rest);
    }

    /** {@code host:container[:ro[,opts]]}, the spelling podman, podman-hpc, apptainer and shifter understand. */
    public String render() {
        List<String> all = new ArrayList<>();
        if (readOnly) all.add("ro");
        all.addAll(options);
        return host + ":" + container + (all.isEmpty() ? "" : ":" + String.join(",", all));
    }

    private static void requireAbsolute(String path, String which) {
        if (path == null || !path.startsWith("/") || path.contains(",") || path.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("mount " + which + " path '" + path + "' must be absolute and contain no ',' or control characters");
        }
    }
}
