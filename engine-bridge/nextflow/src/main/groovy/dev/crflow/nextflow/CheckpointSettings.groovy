package dev.crflow.nextflow

import java.time.Duration

import dev.crflow.dsl.model.CheckpointPolicy
import dev.crflow.dsl.model.ContainerSpec
import dev.crflow.dsl.model.PolicyRule
import dev.crflow.dsl.model.SiteSettings
import dev.crflow.dsl.policy.PolicyDiagnostic
import dev.crflow.dsl.policy.PolicyKey
import dev.crflow.dsl.policy.PolicyResolver
import dev.crflow.dsl.policy.PolicyValues
import dev.crflow.dsl.policy.Unit
import dev.crflow.dsl.settings.SettingsApplication
import groovy.transform.CompileStatic
import groovy.util.logging.Slf4j

/**
 * Resolves how one Nextflow process is checkpointed, from two sources:
 * <ol>
 *   <li>the crflow policy file named in nextflow.config ({@code crflow { policy = 'checkpoint.groovy' }}):
 *       the first {@code match('glob')} rule whose glob matches the process name;</li>
 *   <li>the process's own {@code ext.checkpoint = [engine: 'signal', interval: '10m', signal: 'USR1', lead: '60s']}.</li>
 * </ol>
 * The process's {@code ext.checkpoint} wins, key by key: it is written next to the process it configures,
 * the same way Nextflow lets a process selector override a generic setting. Keys it leaves out come from the
 * policy rule, then from the site and user settings (engine, grace; docs/settings.md), then from crflow's defaults.
 */
@Slf4j
@CompileStatic
class CheckpointSettings {

    /** The policy keys (the DSL's names) plus the process's container runtime. */
    static final List<String> EXT_KEYS = PolicyKey.dslNames() + ['runtime']

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
        return resolve(processName, rules, extCheckpoint, containerImage, defaultRuntime, SiteSettings.empty())
    }

    /**
     * @param settings site and user settings: under the policy rule (loaded with them) and ext.checkpoint; without a
     *                 rule's checkpoint block, their engine when ext.checkpoint names none, and their grace as the lead
     */
    static Resolved resolve(String processName, List<PolicyRule> rules, Object extCheckpoint, String containerImage,
                            String defaultRuntime, SiteSettings settings) {
        final rule = rules?.find { PolicyRule r -> r.matches(processName) }
        CheckpointPolicy policy = rule?.checkpoint()?.orElse(null) ?: SettingsApplication.basePolicy(settings, extCheckpoint != null)
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
            final rt = PolicyValues.runtime(runtimeName).orElseThrow { PolicyDiagnostic d -> failure(processName, d) }
            container = Optional.of(new ContainerSpec(containerImage, rt,
                    container.map { ContainerSpec c -> c.mounts() }.orElse([]),
                    container.map { ContainerSpec c -> c.modules() }.orElse([])))
        }
        return new Resolved(policy, container, origins ? origins.join(' + ') : 'defaults (no checkpoint)')
    }

    /**
     * A crflow duration setting outside ext.checkpoint (e.g. {@code crflow.stopTimeout}): the one rule for every
     * front end (docs/dsl.md, "Values"), Nextflow's own duration values and strings accepted.
     */
    static Duration duration(String processName, String key, Object value) {
        if( value == null ) return null
        return PolicyValues.duration(key, nextflowValue(PolicyKey.INTERVAL, value)).orElseThrow { PolicyDiagnostic d -> failure(processName, d) }
    }

    /**
     * The DSL's resolver on the process's map: the same units, messages and layering as a policy file. Nextflow's
     * own duration values ({@code 10.min}) are accepted; a bare number is refused as for every front end.
     */
    static CheckpointPolicy overlay(String processName, CheckpointPolicy base, Map ext) {
        final keys = PolicyResolver.keys(ext, { PolicyKey k -> k.dslName() }, ['runtime'], 'ext.checkpoint key')
                .orElseThrow { PolicyDiagnostic d -> failure(processName, d) }
        final values = new EnumMap<PolicyKey, Object>(PolicyKey)
        keys.each { PolicyKey k, Object v -> values.put(k, nextflowValue(k, v)) }
        final checked = PolicyResolver.overlay(base, values, { PolicyKey k -> "ext.checkpoint ${k.dslName()}".toString() })
        for( PolicyDiagnostic d : checked.diagnostics() ) {
            if( !d.isError() ) log.warn("Process `$processName`: ${d.text()}")
        }
        return checked.orElseThrow { PolicyDiagnostic d -> failure(processName, d) }
    }

    private static IllegalArgumentException failure(String processName, PolicyDiagnostic d) {
        return new IllegalArgumentException("Process `$processName`: ${d.message()}" + d.suggestion().map { String s -> " -- $s".toString() }.orElse(''))
    }

    /**
     * Nextflow spellings of a duration: its Duration objects ({@code 90.s}), ISO-8601 ('PT90S') and its strings
     * ('2 hours') when crflow's own forms do not read them. Strings crflow reads, bare numbers included, go to the
     * resolver as they are, so '90' is refused, not read by Nextflow as 90 milliseconds.
     */
    static Object nextflowValue(PolicyKey key, Object value) {
        if( key.unit() != Unit.DURATION && key.unit() != Unit.INTERVAL ) return value
        if( key.unit() == Unit.INTERVAL && value instanceof CharSequence && value.toString().trim().equalsIgnoreCase(dev.crflow.dsl.model.AutoInterval.WORD) ) return value
        if( value instanceof nextflow.util.Duration ) return Duration.ofMillis(((nextflow.util.Duration) value).toMillis())
        if( !(value instanceof CharSequence) ) return value
        final text = value.toString().trim()
        if( PolicyValues.duration('', text).isOk() || text ==~ /\d+/ ) return text
        try {
            if( text.startsWith('P') ) return Duration.parse(text)
            if( text ==~ /.*[A-Za-z].*/ ) return Duration.ofMillis(nextflow.util.Duration.of(text).toMillis())
        }
        catch( Exception ignored ) {
            // not Nextflow's either: the resolver says what to write
        }
        return text
    }
}
