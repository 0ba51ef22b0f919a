package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import org.junit.jupiter.api.Test

class TaskIdentityTest {

    @Test
    void sameProcessAndCacheKeyIsTheSameTaskWhateverTheAttempt() {
        assertEquals(TaskIdentity.of('COUNT', 'abc').key, TaskIdentity.of('COUNT', 'abc').key)
        assertNotEquals(TaskIdentity.of('COUNT', 'abc').key, TaskIdentity.of('COUNT', 'abd').key)
        assertNotEquals(TaskIdentity.of('COUNT', 'abc').key, TaskIdentity.of('OTHER', 'abc').key)
    }

    @Test
    void dirNameIsReadableAndSafe() {
        final id = TaskIdentity.of('wf:ALIGN (x/y)', 'k')
        assertTrue(id.dirName() ==~ /wf_ALIGN__x_y_-[0-9a-f]{32}/, id.dirName())
    }
}
