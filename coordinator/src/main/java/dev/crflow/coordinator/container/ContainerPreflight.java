package dev.crflow.coordinator.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks made before a containerised step is submitted: the runtime is known and installed, the
 * image reference is well formed for it (and an apptainer image file exists), every mount parses.
 * Each problem's message says what to do next.
 */
public final class ContainerPreflight {
    private ContainerPreflight() {}

    /**
     * @param pathVariable the PATH to look the runtime up on (the submitting shell's; batch jobs inherit it)
     * @param checkInstalled false when rendering only ({@code crflow render}): a laptop renders a Perlmutter job
     */
    public static List<ContainerProblem> check(String runtime, String image, List<String> mounts,
                                               String pathVariable, boolean checkInstalled) {
        List<ContainerProblem> problems = new ArrayList<>();
        Optional<RuntimeKind> kind = RuntimeKind.parse(runtime);
        if (kind.isEmpty()) {
            problems.add(new ContainerProblem(ContainerProblem.Kind.UNKNOWN_RUNTIME,
                    "unknown container runtime '" + runtime + "'; use one of " + RuntimeKind.choices()));
            return problems;
        }
        try {
            ImageReference ref = ImageReference.parse(kind.get(), image);
            if (ref.local() && !Files.exists(Path.of(ref.text()))) {
                problems.add(new ContainerProblem(ContainerProblem.Kind.IMAGE_FILE_MISSING,
                        "apptainer image '" + ref.text() + "' does not exist; build it (apptainer build) or pull it (apptainer pull) first, or correct the path"));
            }
        } catch (MalformedImageReferenceException e) {
            problems.add(new ContainerProblem(ContainerProblem.Kind.MALFORMED_REFERENCE, e.getMessage()));
        }
        for (String m : mounts) {
            try {
                Bind.parse(m);
            } catch (IllegalArgumentException e) {
                problems.add(new ContainerProblem(ContainerProblem.Kind.MALFORMED_MOUNT, e.getMessage()));
            }
        }
        if (checkInstalled && Executables.find(kind.get().command(), pathVariable).isEmpty()) {
            problems.add(new ContainerProblem(ContainerProblem.Kind.RUNTIME_MISSING, missingRuntime(kind.get())));
        }
        return problems;
    }

    public static String missingRuntime(RuntimeKind kind) {
        return switch (kind) {
            case SHIFTER -> "container runtime 'shifter' is not installed here (not on PATH); shifter exists on NERSC systems: submit from a Perlmutter login node, or use runtime 'podman' or 'apptainer' on this cluster";
            case PODMAN_HPC -> "container runtime 'podman-hpc' is not installed here (not on PATH); podman-hpc exists on NERSC systems: submit from a Perlmutter login node, or use runtime 'podman' where plain podman is installed";
            case PODMAN -> "container runtime 'podman' is not installed here (not on PATH); install it (Debian: apt-get install podman runc) or load its module, then run crflow container-check";
            case APPTAINER -> "container runtime 'apptainer' is not installed here (not on PATH); load its module (module load apptainer) or install it, then run crflow container-check";
        };
    }
}
