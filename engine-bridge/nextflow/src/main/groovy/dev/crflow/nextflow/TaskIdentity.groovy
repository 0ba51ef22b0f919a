package dev.crflow.nextflow

import java.nio.charset.StandardCharsets
import java.security.MessageDigest

import groovy.util.logging.Slf4j
import nextflow.processor.TaskRun

/**
 * Who a task is, independent of its attempt. Nextflow folds the attempt number into `task.hash` (and so into
 * the work dir), which is exactly what makes a retry lose its partial state (nextflow-io/nextflow #1728).
 * Here the key is Nextflow's own cache key before the attempt is mixed in: session id (the same under
 * `-resume`), process name, script, container and input values. Same inputs, same identity; a new run
 * without `-resume` is a new computation and starts clean.
 */
@Slf4j
class TaskIdentity {

    final String key
    final String processName

    private TaskIdentity(String key, String processName) {
        this.key = key
        this.processName = processName
    }

    static TaskIdentity of(TaskRun task) {
        String base
        try {
            // TaskProcessor.createTaskHashKey: the cache key without the attempt (protected; a dynamic call)
            base = task.processor.createTaskHashKey(task).toString()
        }
        catch( Throwable e ) {
            log.debug "[slurm-cr] cannot compute Nextflow's task hash key for ${task.name}; using name and index -- ${e.message}"
            base = "${task.processor?.session?.uniqueId}|${task.index}|${task.source}"
        }
        return of(task.processor?.name ?: task.name, base)
    }

    static TaskIdentity of(String processName, String baseKey) {
        final digest = MessageDigest.getInstance('SHA-256')
        digest.update(processName.getBytes(StandardCharsets.UTF_8))
        digest.update((byte) 0)
        digest.update(baseKey.getBytes(StandardCharsets.UTF_8))
        return new TaskIdentity(digest.digest().encodeHex().toString().substring(0, 32), processName)
    }

    /** Readable and unique: `<process name, safe characters only>-<key>`. */
    String dirName() {
        final safe = processName.replaceAll(/[^A-Za-z0-9_.-]/, '_')
        return (safe.length() > 60 ? safe.substring(0, 60) : safe) + '-' + key
    }
}
