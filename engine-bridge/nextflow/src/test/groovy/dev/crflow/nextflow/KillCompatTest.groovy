package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.lang.reflect.Modifier

import nextflow.executor.GridTaskHandler
import nextflow.processor.TaskHandler
import org.junit.jupiter.api.Test

/**
 * The kill hook on both sides of Nextflow 25.04's change: 24.10 calls `kill()` (abstract in TaskHandler);
 * 25.04+ calls `TaskHandler.kill()`, which calls `protected void killTask()` once. The handler must override the
 * latter with exactly that signature, or 25.04+ would run GridTaskHandler's own scancel instead of crflow's cancel.
 */
class KillCompatTest {

    @Test
    void killTaskHasTheSignatureNextflow2504Calls() {
        final m = SlurmCrTaskHandler.getDeclaredMethod('killTask')
        assertTrue(Modifier.isProtected(m.modifiers), 'protected, like TaskHandler.killTask() in 25.04+')
        assertEquals(void, m.returnType)
        assertEquals(0, m.parameterCount)
        assertNotNull(SlurmCrTaskHandler.getDeclaredMethod('kill'))
    }

    @Test
    void onTheCompiledAgainstNextflow2410KillIsTheHook() {
        // the test classpath is Nextflow 24.10.0: no killTask in TaskHandler, so kill() cancels itself
        assertFalse(TaskHandler.declaredMethods.any { it.name == 'killTask' })
        assertFalse(SlurmCrTaskHandler.NEXTFLOW_KILL_TASK)
        assertTrue(Modifier.isAbstract(TaskHandler.getDeclaredMethod('kill').modifiers) || GridTaskHandler.getDeclaredMethod('kill') != null)
    }
}
