package dev.crflow.coordinator.store;

import java.nio.file.Path;

/** Packs generation 1 of a control directory in a JVM of its own, for {@link PackerKillTest} to kill -9. */
public final class PackCrashChild {
    private PackCrashChild() {}

    public static void main(String[] args) throws Exception {
        ImageStore store = ImageStore.open(Path.of(args[0]));
        Packer packer = new Packer(store, new Packer.Settings(Boolean.parseBoolean(args[1]), Boolean.parseBoolean(args[2])), () -> false);
        System.err.println("crflow-test: packing");
        packer.pack(store.get(1).orElseThrow());
        System.err.println("crflow-test: packed");
    }
}
