package dev.crflow.coordinator.container;

import java.util.regex.Pattern;

/**
 * An image reference, validated for its runtime before anything is submitted.
 *
 * <ul>
 *   <li>shifter: {@code [docker:|custom:]repository[:tag]} or {@code id:<hex>} (as in {@code #SBATCH --image=});</li>
 *   <li>podman, podman-hpc: a registry reference {@code [host[:port]/]path[:tag][@sha256:…]}, optionally
 *       with the {@code docker://} transport; {@code localhost/name:tag} for images built or imported locally;</li>
 *   <li>apptainer: {@code docker://…}, {@code oras://…}, {@code library://…}, {@code shub://…}, or a local
 *       SIF file / sandbox directory path.</li>
 * </ul>
 * The grammar of a registry reference is distribution/reference's: lower-case path components, tags of
 * at most 128 word characters, dots and dashes.
 *
 * @param text    the reference exactly as the runtime receives it
 * @param local   true for apptainer paths (a file on this machine), false for anything a registry or an image store resolves
 */
public record ImageReference(RuntimeKind runtime, String text, boolean local) {

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = DOMAIN_PART + "(?:\\." + DOMAIN_PART + ")*(?::[0-9]+)?";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}";
    private static final Pattern REGISTRY_REFERENCE = Pattern.compile(
            "(?:(" + DOMAIN + ")/)?(" + COMPONENT + "(?:/" + COMPONENT + ")*)(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
    private static final Pattern SHIFTER_ID = Pattern.compile("[a-f0-9]{12,64}");

    public static ImageReference parse(RuntimeKind runtime, String reference) {
        if (reference == null || reference.isBlank()) {
            throw new MalformedImageReferenceException("the image reference is empty; " + example(runtime));
        }
        String ref = reference;
        if (!ref.equals(ref.strip()) || ref.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new MalformedImageReferenceException("image reference '" + printable(ref)
                    + "' contains whitespace or control characters; " + example(runtime));
        }
        if (ref.startsWith("-")) {
            throw new MalformedImageReferenceException("image reference '" + ref
                    + "' starts with '-' and would be read as an option; " + example(runtime));
        }
        return switch (runtime) {
            case SHIFTER -> shifter(ref);
            case PODMAN, PODMAN_HPC -> podman(runtime, ref);
            case APPTAINER -> apptainer(ref);
        };
    }

    private static ImageReference shifter(String ref) {
        String body = ref;
        if (ref.startsWith("id:")) {
            if (SHIFTER_ID.matcher(ref.substring(3)).matches()) return new ImageReference(RuntimeKind.SHIFTER, ref, false);
            throw malformed(RuntimeKind.SHIFTER, ref, "an image id after 'id:' is 12 to 64 hexadecimal digits");
        }
        if (ref.contains("://")) throw malformed(RuntimeKind.SHIFTER, ref, "shifter takes 'docker:repo:tag', not a URL");
        if (ref.startsWith("docker:")) body = ref.substring("docker:".length());
        else if (ref.startsWith("custom:")) body = ref.substring("custom:".length());
        registryReference(RuntimeKind.SHIFTER, ref, body);
        return new ImageReference(RuntimeKind.SHIFTER, ref, false);
    }

    private static ImageReference podman(RuntimeKind runtime, String ref) {
        String body = ref.startsWith("docker://") ? ref.substring("docker://".length()) : ref;
        if (body.contains("://")) throw malformed(runtime, ref, "only the docker:// transport is understood");
        registryReference(runtime, ref, body);
        return new ImageReference(runtime, ref, false);
    }

    private static ImageReference apptainer(String ref) {
        for (String scheme : new String[] {"docker://", "oras://"}) {
            if (ref.startsWith(scheme)) {
                registryReference(RuntimeKind.APPTAINER, ref, ref.substring(scheme.length()));
                return new ImageReference(RuntimeKind.APPTAINER, ref, false);
            }
        }
        for (String scheme : new String[] {"library://", "shub://"}) {
            if (ref.startsWith(scheme)) {
                String rest = ref.substring(scheme.length());
                if (rest.isEmpty() || rest.contains("//")) throw malformed(RuntimeKind.APPTAINER, ref, "nothing usable after " + scheme);
                return new ImageReference(RuntimeKind.APPTAINER, ref, false);
            }
        }
        if (ref.contains("://")) throw malformed(RuntimeKind.APPTAINER, ref, "unknown scheme (use docker://, oras://, library://, shub:// or a file path)");
        if (ref.startsWith("/") || ref.startsWith("./") || ref.startsWith("../") || ref.endsWith(".sif") || ref.endsWith(".img")) {
            return new ImageReference(RuntimeKind.APPTAINER, ref, true);
        }
        throw malformed(RuntimeKind.APPTAINER, ref, "apptainer needs a SIF file path (e.g. '/scratch/me/sim.sif') or a URI such as 'docker://" + ref + "'");
    }

    private static void registryReference(RuntimeKind runtime, String whole, String body) {
        var m = REGISTRY_REFERENCE.matcher(body);
        if (!m.matches()) {
            String why = body.chars().anyMatch(Character::isUpperCase) && !body.contains(":")
                    ? "repository names are lower case"
                    : body.contains("::") ? "'::' is not a tag separator"
                    : body.endsWith(":") ? "the tag after ':' is empty"
                    : "it is not [registry/]repository[:tag][@sha256:digest]";
            throw malformed(runtime, whole, why);
        }
        String path = m.group(2);
        if (path.chars().anyMatch(Character::isUpperCase)) throw malformed(runtime, whole, "repository names are lower case");
    }

    private static MalformedImageReferenceException malformed(RuntimeKind runtime, String ref, String why) {
        return new MalformedImageReferenceException("malformed " + runtime.command() + " image reference '" + ref + "': " + why + "; " + example(runtime));
    }

    static String example(RuntimeKind runtime) {
        return switch (runtime) {
            case SHIFTER -> "write it as 'docker:owner/name:tag', e.g. 'docker:mtimalsina/geant4_dmtcp:Dec2023' (pull it first with shifterimg pull)";
            case PODMAN_HPC -> "write it as '[registry/]owner/name:tag', e.g. 'docker.io/mtimalsina/geant4_dmtcp:Dec2023' (make it usable in jobs with podman-hpc pull or migrate)";
            case PODMAN -> "write it as '[registry/]owner/name:tag', e.g. 'docker.io/library/debian:12' or 'localhost/sim:1' for an image built or imported here";
            case APPTAINER -> "write it as a SIF path ('/scratch/me/sim.sif') or a URI ('docker://owner/name:tag', 'oras://…', 'library://…')";
        };
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) b.append(String.format("\\u%04x", c)); else b.appendCodePoint(c);
        });
        return b.toString();
    }
}
