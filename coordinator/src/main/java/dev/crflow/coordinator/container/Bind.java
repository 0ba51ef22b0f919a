package dev.crflow.coordinator.container;

/**
 * A bind mount: {@code host} seen at {@code container} inside the image.
 * Parsed from the DSL's {@code "host:container[:ro|rw]"}; a bare {@code "/path"} binds the path onto itself.
 */
public record Bind(String host, String container, boolean readOnly) {

    public Bind {
        requireAbsolute(host, "host");
        requireAbsolute(container, "container");
    }

    public static Bind same(String path, boolean readOnly) { return new Bind(path, path, readOnly); }

    public static Bind parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("an empty mount; write it as '/host/path:/container/path[:ro]'");
        String[] parts = spec.split(":", -1);
        return switch (parts.length) {
            case 1 -> same(parts[0], false);
            case 2 -> parts[1].equals("ro") || parts[1].equals("rw")
                    ? same(parts[0], parts[1].equals("ro"))
                    : new Bind(parts[0], parts[1], false);
            case 3 -> {
                if (!parts[2].equals("ro") && !parts[2].equals("rw")) {
                    throw new IllegalArgumentException("mount '" + spec + "': the option after the second ':' must be 'ro' or 'rw'");
                }
                yield new Bind(parts[0], parts[1], parts[2].equals("ro"));
            }
            default -> throw new IllegalArgumentException("mount '" + spec + "' has too many ':'; write it as '/host/path:/container/path[:ro]'");
        };
    }

    /** {@code host:container[:ro]}, the spelling every runtime understands. */
    public String render() { return host + ":" + container + (readOnly ? ":ro" : ""); }

    private static void requireAbsolute(String path, String which) {
        if (path == null || !path.startsWith("/") || path.contains(",") || path.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("mount " + which + " path '" + path + "' must be absolute and contain no ',' or control characters");
        }
    }
}
