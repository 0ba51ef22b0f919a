package dev.crflow.nextflow

import groovy.transform.CompileStatic

/**
 * Adapts Nextflow's task wrapper (`.command.run`, rendered from command-run.txt) to run as the coordinator's
 * application instead of as the batch script.
 * <p>
 * Signal routing: Slurm's `B:` warning signal goes to the batch shell, which is the coordinator
 * (`exec java … run --control CTL`). The coordinator checkpoints and, for engine `signal`, sends the
 * forward signal to the application's process group. The stock wrapper would turn that into a kill:
 * `trap on_term TERM INT USR2` kills the task tree and `on_exit` writes `.exitcode` (nextflow-io/nextflow
 * #2163). So in the wrapper:
 * <ul>
 *   <li>the wrapper shell and its plumbing (subshells, tee) ignore USR1 and USR2 (TERM/INT still mean "stop the
 *       task"); the task itself starts with the default disposition (`nxf_launch` catches the signals with a no-op,
 *       and a caught signal is reset on exec, while an ignored one would stay ignored and a bash task could not
 *       even trap it), so the task receives what the coordinator sends to the group;</li>
 *   <li>after a signal interrupts `wait`, the wrapper waits again while the task lives, so it never exits (and
 *       never unstages or writes an exit code) while the application is still writing its checkpoint;</li>
 *   <li>task stdout/stderr are appended, not truncated, when a requeued job runs the wrapper again.</li>
 * </ul>
 * The task's exit status for Nextflow comes from the coordinator's result.json, not from this wrapper.
 */
@CompileStatic
class AppWrapper {

    static final String STOCK_TRAPS = "trap on_term TERM INT USR2\n    trap '' USR1\n"
    static final String CR_TRAPS = "trap on_term TERM INT\n    trap '' USR1 USR2  # crflow: warning signals belong to the coordinator and the task\n"

    static final String STOCK_WAIT = 'wait $pid || nxf_main_ret=$?\n'
    static final String CR_WAIT = 'while :; do wait $pid && { nxf_main_ret=0; break; } || nxf_main_ret=$?; kill -0 $pid 2>/dev/null || break; done  # crflow: keep waiting while a signalled task checkpoints\n'

    static final String STOCK_LAUNCH = 'nxf_launch() {\n'
    static final String CR_LAUNCH = "nxf_launch() {\n    trap 'true' USR1 USR2  # crflow: a caught signal is reset to default for the task, an ignored one would stick\n"

    static String patch(String wrapper) {
        String result = wrapper
        result = replaceOnce(result, STOCK_TRAPS, CR_TRAPS)
        result = replaceOnce(result, STOCK_LAUNCH, CR_LAUNCH)
        result = replaceOnce(result, STOCK_WAIT, CR_WAIT)
        // Requeued jobs run the wrapper again in the same work dir: keep the earlier attempts' output.
        result = result.replace('| tee .command.out)', '| tee -a .command.out)')
        result = result.replace('| tee .command.err)', '| tee -a .command.err)')
        return result
    }

    private static String replaceOnce(String text, String target, String replacement) {
        final at = text.indexOf(target)
        if( at < 0 )
            throw new IllegalStateException("slurm-cr: Nextflow's task wrapper does not contain the expected fragment `${target.trim()}` -- this Nextflow version is not supported by the plugin (tested with 24.10.0)")
        return text.substring(0, at) + replacement + text.substring(at + target.length())
    }
}
