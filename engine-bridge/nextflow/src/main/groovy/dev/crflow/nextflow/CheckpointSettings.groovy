package dev.crflow.nextflow

import java.time.Duration

import dev.crflow.dsl.model.CheckpointPolicy
import dev.crflow.dsl.model.ContainerRuntime
import dev.crflow.dsl.model.ContainerSpec
import dev.crflow.dsl.model.Engine
import dev.crflow.dsl.model.PolicyRule
import groovy.transform.CompileStatic

/**
 * Resolves how one Nextflow process is checkpointed, from two sources:
 * <ol>
 *   <li>the crflow policy file named in nextflow.config ({@code crflow { policy = 'checkpoint.groovy' }}):
 *       the first {@code match('glob')} rule whose glob matches the process name;</li>
 *   <li>the process's own {@code ext.checkpoint = [engine: 'signal', interval: '10m', signal: 'USR1', lead: '60s']}.</li>
 * </ol>
 * The process's {@code ext.checkpoint} wins, key by key: it is written next to the process it configures,
 * the same way Nextflow lets a process selector override a generic setting. Keys it leaves out come from the
 * policy rule, then from crflow's defaults.
 */
@CompileStatic
class CheckpointSettings {

    static final List<String> EXT_KEYS = ['engine', 'interval', 'signal', 'lead', 'forward', 'state', 'keep', 'maxRestarts', 'totalTime', 'runtime']

    /** Signals Slurm's --signal accepts by name and an application can catch. */
    static final List<String> SIGNALS = ['USR1', 'USR2', 'TERM', 'INT', 'HUP', 'QUIT', 'ALRM', 'CONT', 'URG', 'XCPU']

    static class Resolved {
        final CheckpointPolicy policy
        final Optional<ContainerSpec> container
        /** for the log: where the settings came from */
        final String origin

        Resolved(CheckpointPolicy policy, Optional<ContainerSpec> container, String origin) {
            this.policy = policy
            this.container = container
            this.origin = origin
        }
    }

    static Resolved resolve(String processName, List<PolicyRule> rules, Object extCheckpoint, String containerImage, String defaultRuntime) {
        final rule = rules?.find { PolicyRule r -> r.matches(processName) }
        CheckpointPolicy policy = rule?.checkpoint()?.orElse(null) ?: CheckpointPolicy.none()
        final origins = []
        if( rule ) origins << "policy rule '${rule.glob()}' (${rule.declaredAt()})".toString()
        String runtime = null
        if( extCheckpoint != null ) {
            if( !(extCheckpoint instanceof Map) )
                throw new IllegalArgumentException("Process `$processName`: ext.checkpoint must be a map such as [engine: 'signal', lead: '60s'] -- offending value: $extCheckpoint")
            final ext = (Map) extCheckpoint
            policy = overlay(processName, policy, ext)
            runtime = ext.runtime?.toString()
            origins << 'ext.checkpoint'
        }
        Optional<ContainerSpec> container = rule?.container() ?: Optional.<ContainerSpec>empty()
        if( containerImage ) {
            // the process `container` directive names the image; crflow's runtime runs it (the containers module renders it)
            final runtimeName = runtime ?: container.map { ContainerSpec c -> c.runtime().dslName() }.orElse(defaultRuntime ?: 'podman')
            final rt = ContainerRuntime.fromDsl(runtimeName).orElseThrow {
                new IllegalArgumentException("Process `$processName`: unknown container runtime '$runtimeName' -- use one of ${ContainerRuntime.values()*.dslName().join(', ')}")
            }
            container = Optional.of(new ContainerSpec(containerImage, rt,
                    container.map { ContainerSpec c -> c.mounts() }.orElse([]),
                    container.map { ContainerSpec c -> c.modules() }.orElse([])))
        }
        return new Resolved(policy, container, origins ? origins.join(' + ') : 'defaults (no checkpoint)')
    }

    static CheckpointPolicy overlay(String processName, CheckpointPolicy base, Map ext) {
        for( Object key : ext.keySet() ) {
            if( !(key.toString() in EXT_KEYS) ) {
                final hint = closest(key.toString(), EXT_KEYS)
                throw new IllegalArgumentException("Process `$processName`: unknown ext.checkpoint key '$key'" + (hint ? " -- did you mean '$hint'?" : " -- known keys: ${EXT_KEYS.join(', ')}"))
            }
        }
        Engine engine = ext.containsKey('engine') ? engine(processName, ext.engine) : base.engine()
        Optional<Duration> interval = ext.containsKey('interval') ? Optional.ofNullable(duration(processName, 'interval', ext.interval)) : base.interval()
        String warning = ext.containsKey('signal') ? signal(processName, 'signal', ext.signal) : base.signal()
        Duration lead = ext.containsKey('lead') ? duration(processName, 'lead', ext.lead) : base.lead()
        Optional<String> forward = ext.containsKey('forward') ? Optional.ofNullable(signal(processName, 'forward', ext.forward)) : base.forward()
        List<String> state = ext.containsKey('state') ? strings(ext.state) : base.state()
        int keep = ext.containsKey('keep') ? positive(processName, 'keep', ext.keep) : base.keep()
        int maxRestarts = ext.containsKey('maxRestarts') ? positive(processName, 'maxRestarts', ext.maxRestarts) : base.maxRestarts()
        Optional<Duration> totalTime = ext.containsKey('totalTime') ? Optional.ofNullable(duration(processName, 'totalTime', ext.totalTime)) : base.totalTime()
        if( engine == Engine.SIGNAL && !forward.isPresent() )
            forward = Optional.of(warning)   // the application handles the warning signal itself
        if( engine != Engine.SIGNAL )
            forward = Optional.<String>empty()
        if( lead == null || lead.isNegative() || lead.isZero() )
            throw new IllegalArgumentException("Process `$processName`: ext.checkpoint lead must be a positive duration such as '60s'")
        return new CheckpointPolicy(engine, interval, warning, lead, forward, state, keep, maxRestarts, totalTime)
    }

    static Engine engine(String processName, Object value) {
        final name = value?.toString()?.trim()?.toUpperCase(Locale.ROOT)
        final found = Engine.values().find { it.name() == name }
        if( !found ) {
            final hint = closest(value?.toString()?.toLowerCase(Locale.ROOT), Engine.values()*.dslName())
            throw new IllegalArgumentException("Process `$processName`: unknown checkpoint engine '$value'" + (hint ? " -- did you mean '$hint'?" : " -- use one of ${Engine.values()*.dslName().join(', ')}"))
        }
        return found
    }

    static String signal(String processName, String key, Object value) {
        if( value == null ) return null
        String s = value.toString().trim().toUpperCase(Locale.ROOT)
        if( s.startsWith('SIG') ) s = s.substring(3)
        if( !(s in SIGNALS) )
            throw new IllegalArgumentException("Process `$processName`: ext.checkpoint $key '$value' is not a signal crflow can route -- use one of ${SIGNALS.join(', ')}")
        return s
    }

    /** Nextflow durations ('90s', '10m', 1.h), java.time.Duration, or a number of seconds. */
    static Duration duration(String processName, String key, Object value) {
        if( value == null ) return null
        if( value instanceof Duration ) return (Duration) value
        if( value instanceof nextflow.util.Duration ) return Duration.ofMillis(((nextflow.util.Duration) value).toMillis())
        if( value instanceof Number ) return Duration.ofSeconds(((Number) value).longValue())
        try {
            final text = value.toString().trim()
            if( text.startsWith('PT') || text.startsWith('P') ) return Duration.parse(text)
            return Duration.ofMillis(nextflow.util.Duration.of(text).toMillis())
        }
        catch( Exception e ) {
            throw new IllegalArgumentException("Process `$processName`: ext.checkpoint $key '$value' is not a duration -- write it like '90s', '10m' or '1h'")
        }
    }

    static int positive(String processName, String key, Object value) {
        final n = value instanceof Number ? ((Number) value).intValue() : (value?.toString()?.isInteger() ? value.toString().toInteger() : -1)
        if( n < 0 || (key == 'keep' && n < 1) )
            throw new IllegalArgumentException("Process `$processName`: ext.checkpoint $key must be a ${key == 'keep' ? 'positive' : 'non-negative'} integer -- offending value: $value")
        return n
    }

    static List<String> strings(Object value) {
        if( value == null ) return []
        if( value instanceof Collection ) return ((Collection) value).collect { it.toString() }
        return [value.toString()]
    }

    /** The single closest keyword within edit distance 2, or null. */
    static String closest(String word, List<String> candidates) {
        if( !word ) return null
        final scored = candidates.collect { [it, levenshtein(word.toLowerCase(Locale.ROOT), it.toLowerCase(Locale.ROOT))] }
        final best = scored.min { (int) it[1] }
        return best && ((int) best[1]) <= 2 ? (String) best[0] : null
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1]
        for( int j = 0; j <= b.length(); j++ ) prev[j] = j
        for( int i = 1; i <= a.length(); i++ ) {
            int[] cur = new int[b.length() + 1]
            cur[0] = i
            for( int j = 1; j <= b.length(); j++ )
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1))
            prev = cur
        }
        return prev[b.length()]
    }
}
