package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.container.ContainerEngine;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.spec.StepSpec;

import java.util.Map;

/** The engine a step's policy names. */
public final class Engines {
    private Engines() {}

    public static CheckpointEngine forSpec(StepSpec spec, ProcessLauncher launcher, Map<String, String> environment) {
        StepSpec.PolicySpec p = spec.checkpoint();
        CheckpointEngine engine = switch (p.engine()) {
            case SIGNAL -> new SignalEngine(p.forward().orElse(p.signal()), p.state());
            case NONE -> new NoneEngine();
            case DMTCP -> new DmtcpEngine(launcher, DmtcpInstall.locate(environment), p.state());
            case CRIU -> new CriuEngine(launcher, CriuEngine.locate(environment), !"root".equals(System.getProperty("user.name")),
                    p.state(), p.incremental());
        };
        // a step with a container block: the engine runs inside the container, the coordinator stays here
        return ContainerEngine.wrapIfContained(engine, spec, environment);
    }
}
