package dev.crflow.dsl.internal;

import dev.crflow.dsl.model.ContainerRuntime;
import dev.crflow.dsl.model.Engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the script declared, block by block, before defaults are resolved. Mutable, filled by the
 * context classes while the script runs; every value remembers its line. Only valid values get here:
 * a bad value is reported where it is written and left unset.
 */
public final class Specs {
    private Specs() {}

    /** The settings shared by defaults, profile defaults and steps. */
    public static class Settings {
        public Located<String> partition, account, qos, constraint, workdir;
        public Located<Duration> time, timeMin;
        public Located<Integer> nodes, ntasks, cpusPerTask, retry;
        public Located<Long> memMb;
        public final Map<String, Located<String>> env = new LinkedHashMap<>();
        public final List<Located<String>> modules = new ArrayList<>();
        public final List<Located<String>> sbatch = new ArrayList<>();
        public CheckpointDecl checkpoint;
        public ContainerDecl container;
    }

    public static final class StepDecl extends Settings {
        public final String name;
        public final int line;
        public final List<Located<String>> after = new ArrayList<>();
        public Located<String> command, script;
        /** An error was reported inside the block: follow-up checks ("no command") stay quiet. */
        public boolean hadErrors;

        public StepDecl(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    public static final class CheckpointDecl {
        public final int line;
        public Located<Engine> engine;
        public Located<Duration> lead, totalTime;
        /** A {@link Duration} or {@link dev.crflow.dsl.model.AutoInterval#AUTO}. */
        public Located<Object> interval;
        public Located<String> signal, forward;
        public List<Located<String>> state;          // null: not set in this block
        public Located<Integer> keep, maxRestarts;
        public Located<dev.crflow.dsl.model.OnCancel> onCancel;
        public Located<dev.crflow.dsl.model.FromScratch> fromScratch;
        public Located<Boolean> incremental;
        public Located<Boolean> compress, dedup;

        public CheckpointDecl(int line) { this.line = line; }
    }

    public static final class ContainerDecl {
        public final int line;
        public final String image;                   // null when the image was invalid (already reported)
        public Located<ContainerRuntime> runtime;
        public final List<Located<String>> mounts = new ArrayList<>();
        public final List<Located<String>> modules = new ArrayList<>();
        public boolean hadErrors;

        public ContainerDecl(String image, int line) {
            this.image = image;
            this.line = line;
        }
    }

    public static final class ProfileDecl {
        public final String name;
        public final int line;
        public final Settings defaults = new Settings();

        public ProfileDecl(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    public static final class RuleDecl {
        public final String glob;
        public final int line;
        public CheckpointDecl checkpoint;
        public ContainerDecl container;
        public Located<Integer> retry;

        public RuleDecl(String glob, int line) {
            this.glob = glob;
            this.line = line;
        }
    }

    public static final class WorkflowDecl {
        public final String name;
        public final int line;
        public final Settings defaults = new Settings();
        public final List<ProfileDecl> profiles = new ArrayList<>();
        public final List<StepDecl> steps = new ArrayList<>();

        public WorkflowDecl(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }
}
