package dev.crflow.nextflow

import groovy.transform.CompileStatic

/**
 * Adapts Nextflow's task wrapper (`.command.run`, rendered from command-run.txt) to run as the coordinator's
 * application instead of as the batch script.
 * <p>
 * Signal routing: Slurm's `B:` warning signal goes to the batch shell, which is the coordinator
 * (`exec java … run --control CTL`). The coordinator checkpoints and, for engine `signal`, sends the
 * forward signal to the application's process group: the wrapper shell, its plumbing (subshells, tee) and the
 * task. The stock wrapper would turn that into a kill before the task could save: `trap on_term TERM INT USR2`
 * runs `nxf_kill` on the task tree and `on_exit` writes `.exitcode` (nextflow-io/nextflow #2163). A forwarded
 * signal must reach the task and only the task, whichever it is (a policy may say `forward 'INT'` or `'TERM'`).
 * So in the wrapper:
 * <ul>
 *   <li>the wrapper shell and its plumbing ignore USR1, USR2 and the policy's forward signal; TERM and INT, unless
 *       forwarded, still mean "stop the task" (Slurm's scancel, the coordinator's terminate). The task itself starts
 *       with the default disposition of those signals: `nxf_launch` catches them with a no-op, and a caught signal
 *       is reset on exec, while an ignored one would stay ignored (a bash task could not even trap it; bash also
 *       ignores INT and QUIT in background jobs, which this undoes for a forwarded INT or QUIT);</li>
 *   <li>after a signal interrupts `wait`, the wrapper waits again while the task lives, so it never exits (and
 *       never unstages or writes an exit code) while the application is still writing its checkpoint;</li>
 *   <li>task stdout/stderr are appended, not truncated, when a requeued job runs the wrapper again.</li>
 * </ul>
 * The task's exit status for Nextflow comes from the coordinator's result.json, not from this wrapper.
 * The three fragments replaced are the same in command-run.txt of Nextflow 24.10.0, 25.04.x, 25.10.x and 26.04.x.
 */
@CompileStatic
class AppWrapper {

    static final String STOCK_TRAPS = "trap on_term TERM INT USR2\n    trap '' USR1\n"
    static final String STOCK_WAIT = 'wait $pid || nxf_main_ret=$?\n'
    static final String CR_WAIT = 'while :; do wait $pid && { nxf_main_ret=0; break; } || nxf_main_ret=$?; kill -0 $pid 2>/dev/null || break; done  # crflow: keep waiting while a signalled task checkpoints\n'
    static final String STOCK_LAUNCH = 'nxf_launch() {\n'

    /** Always the task's: the usual warning signals (USR2 is also Nextflow's own, which slurm-cr never uses). */
    static final List<String> TASK_SIGNALS = ['USR1', 'USR2']

    /** The wrapper without a forward signal (engines other than `signal`). */
    static String patch(String wrapper) {
        return patch(wrapper, Optional.<String>empty())
    }

    /**
     * @param forward the policy's forward signal (engine `signal`), canonical name without `SIG`; it goes to the
     *                task only, like USR1 and USR2
     */
    static String patch(String wrapper, Optional<String> forward) {
        final taskSignals = taskSignals(forward)
        String result = wrapper
        result = replaceOnce(result, STOCK_TRAPS, traps(taskSignals))
        result = replaceOnce(result, STOCK_LAUNCH, launch(taskSignals))
        result = replaceOnce(result, STOCK_WAIT, CR_WAIT)
        // Requeued jobs run the wrapper again in the same work dir: keep the earlier attempts' output.
        result = result.replace('| tee .command.out)', '| tee -a .command.out)')
        result = result.replace('| tee .command.err)', '| tee -a .command.err)')
        return result
    }

    /** USR1, USR2 and the forward signal (canonical, without `SIG`), in that order, each once. */
    static List<String> taskSignals(Optional<String> forward) {
        final result = new ArrayList<String>(TASK_SIGNALS)
        forward.map { String s -> s.trim().toUpperCase(Locale.ROOT).replaceFirst(/^SIG/, '') }
                .filter { String s -> s && !result.contains(s) }
                .ifPresent { String s -> result.add(s) }
        for( String s : result ) {
            if( !(s ==~ /[A-Z][A-Z0-9+]*/) )
                throw new IllegalArgumentException("slurm-cr: not a signal name: '$s'")
        }
        return result
    }

    static String traps(List<String> taskSignals) {
        final onTerm = ['TERM', 'INT'].findAll { !taskSignals.contains(it) }
        final sb = new StringBuilder()
        if( onTerm ) sb.append("trap on_term ${onTerm.join(' ')}\n    ")
        sb.append("trap '' ${taskSignals.join(' ')}  # crflow: warning and forwarded signals belong to the coordinator and the task\n")
        return sb.toString()
    }

    static String launch(List<String> taskSignals) {
        return "nxf_launch() {\n    trap 'true' ${taskSignals.join(' ')}  # crflow: a caught signal is reset to default for the task, an ignored one would stick\n"
    }

    private static String replaceOnce(String text, String target, String replacement) {
        final at = text.indexOf(target)
        if( at < 0 )
            throw new IllegalStateException("slurm-cr: Nextflow's task wrapper does not contain the expected fragment `${target.trim()}` -- this Nextflow version is not supported by the plugin (tested with 24.10.0)")
        return text.substring(0, at) + replacement + text.substring(at + target.length())
    }
}
