package dev.crflow.nextflow

import groovy.transform.CompileStatic

/**
 * Executor settings read straight from the session's config map, the same way on every Nextflow version.
 * <p>
 * Why not Nextflow's getters: 24.10 and 25.04 have `Session.getExecConfigProp(execName, name, default)`;
 * 25.10 removed it (with `getQueueSize`, `getPollInterval`, `getQueueStatInterval`, …) in favour of
 * `Executor.config`, an `ExecutorConfig` that 24.10 does not have. `session.config` is a plain Map in all of
 * them, so the lookup both implement is done here: `executor.'$<name>'.<key>`, then `executor.<key>`, then the
 * environment variable `NXF_EXECUTOR_<KEY>` (dots as underscores), then the default.
 */
@CompileStatic
class ExecutorSettings {

    private final Map executor
    private final Map<String, String> env

    /** @param sessionConfig the session's config map ({@code session.config}); {@code executor} may be a map or a name */
    ExecutorSettings(Map sessionConfig, Map<String, String> env = System.getenv()) {
        final value = sessionConfig?.get('executor')
        this.executor = value instanceof Map ? (Map) value : Collections.emptyMap()
        this.env = env
    }

    Object get(String execName, String key, Object defaultValue) {
        if( execName ) {
            final scoped = executor.get('$' + execName)
            if( scoped instanceof Map && ((Map) scoped).get(key) != null )
                return ((Map) scoped).get(key)
        }
        if( executor.get(key) != null )
            return executor.get(key)
        final envKey = 'NXF_EXECUTOR_' + key.toUpperCase(Locale.ROOT).replace('.', '_')
        return env.containsKey(envKey) ? env.get(envKey) : defaultValue
    }

    Optional<String> string(String execName, String key) {
        return Optional.ofNullable(get(execName, key, null)?.toString()).filter { String s -> !s.isEmpty() }
    }
}
