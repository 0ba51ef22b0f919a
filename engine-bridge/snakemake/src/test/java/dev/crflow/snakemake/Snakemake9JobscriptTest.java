package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The jobscript Snakemake 9.16.3's RemoteExecutor wrote for the crflow executor plugin (captured here from a real
 * run, paths shortened): the same parser and the same requeue-safe rewrite as for Snakemake 7's cluster executor.
 */
class Snakemake9JobscriptTest {
    static final String JOBSCRIPT = """
            #!/bin/sh
            # properties = {"type": "single", "rule": "count", "local": false, "input": [], "output": ["results/count.txt"], "wildcards": {}, "params": {"n": 90, "step": 1.0}, "log": [], "threads": 1, "resources": {"tmpdir": "<TBD>", "runtime": 60, "mem_mb": 200, "mem": "200 MB", "mem_mib": 191}, "jobid": 1}
            cd /w/smoke && /opt/snakemake9/bin/python -m snakemake --snakefile '/w/smoke/Snakefile' --target-jobs 'count:' --allowed-rules count --cores 'all' --attempt 1 --force-use-threads  --wait-for-files '/w/smoke/.snakemake/tmp.tje0pm_9' --force --target-files-omit-workdir-adjustment --max-inventory-time 0 --retries 0 --nocolor --no-hooks --nolock --ignore-incomplete --rerun-triggers software-env mtime input code params --conda-frontend 'conda' --shared-fs-usage input-output software-deployment source-cache storage-local-copies persistence sources --wrapper-prefix 'https://github.com/snakemake/snakemake-wrappers/raw/' --latency-wait 5 --scheduler 'ilp' --local-storage-prefix base64//LnNuYWtlbWFrZS9zdG9yYWdl --scheduler-solver-path '/opt/snakemake9/bin' --default-resources base64//dG1wZGlyPXN5c3RlbV90bXBkaXI= --mode 'remote'

            """;

    @Test
    void parsesLikeASnakemake7Jobscript() {
        Jobscript js = Jobscript.parse(JOBSCRIPT);
        JobProperties p = js.properties();
        assertEquals("count", p.name());
        assertFalse(p.isGroup());
        assertEquals(Optional.of(60), p.resource("runtime").map(v -> ((Number) v).intValue()));
        assertEquals(Optional.of(200), p.resource("mem_mb").map(v -> ((Number) v).intValue()));
        assertEquals(Optional.of("/w/smoke"), js.workdir(), "the plugin's `cd` prefix names the workflow's directory");
        assertEquals(Optional.of("/opt/snakemake9/bin/python"), js.python());
    }

    @Test
    void requeueSafeRewriteAppliesToo() {
        String safe = Jobscript.parse(JOBSCRIPT).requeueSafeText();
        assertTrue(safe.contains("--keep-incomplete --mode remote"), safe);
        assertFalse(safe.contains(".snakemake/tmp."), "a requeued attempt must not wait for the submitting Snakemake's tmp dir");
    }
}
