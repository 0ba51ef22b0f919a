package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration
import java.util.concurrent.TimeUnit

import groovy.json.JsonSlurper

/**
 * Runs the real Nextflow 24.10.0 (scripts/nextflow: Maven Central jars, the plugin as built by this
 * Maven run, offline) on the real local Slurm cluster (scripts/local-slurm), in a launch directory of its own
 * under target/it. Cleans up only the Slurm jobs its own tasks submitted.
 */
class NextflowSlurmHarness {

    static final Path REPO = Paths.get(System.getProperty('crflow.home', '../..')).toAbsolutePath().normalize()
    static final Path EXAMPLE = REPO.resolve('examples/nextflow/main.nf')

    final Path launchDir
    final List<Process> drivers = []

    NextflowSlurmHarness(String name) {
        launchDir = REPO.resolve('engine-bridge/nextflow/target/it').resolve(name + '-' + System.currentTimeMillis())
        Files.createDirectories(launchDir)
    }

    /** The Nextflow version scripts/nextflow runs: NXF_VER, 24.10.0 by default (the one CI tests). */
    static final String NF_VERSION = System.getenv('NXF_VER') ?: '24.10.0'

    /**
     * A version other than 24.10.0 needs a runtime Maven Central cannot serve: a hand-assembled one in
     * $NXF_RUNTIMES/<version>/lib (default /opt/nextflow) or one fetched earlier into .build. Without it the ITs are
     * skipped, loudly (like DMTCP), instead of failing on a missing download.
     */
    static boolean runtimePresent() {
        if( NF_VERSION == '24.10.0' ) return true
        final hand = runtimeDir()
        final handJars = Files.isDirectory(hand) && Files.list(hand).withCloseable { s -> s.anyMatch { it.fileName.toString().startsWith('nextflow-') } }
        return handJars || Files.exists(REPO.resolve(".build/nextflow-${NF_VERSION}/lib/.complete"))
    }

    static Path runtimeDir() { Paths.get(System.getenv('NXF_RUNTIMES') ?: '/opt/nextflow', NF_VERSION, 'lib') }

    /** Skips the calling test, loudly on stderr and as "skipped" in the report, when the runtime is absent. */
    static void assumeRuntime() {
        if( runtimePresent() ) return
        final msg = "SKIPPED: NXF_VER=${NF_VERSION} but no Nextflow ${NF_VERSION} runtime in ${runtimeDir()} (hand-assembled) or ${REPO.resolve(".build/nextflow-${NF_VERSION}/lib")} -- see docs/nextflow.md"
        System.err.println('*' * 20 + ' ' + msg + ' ' + '*' * 20)
        org.junit.jupiter.api.Assumptions.assumeTrue(false, msg)
    }

    /** The cluster the tests need: started (idempotently) by the project's own script, then checked. */
    static void ensureCluster() {
        final script = REPO.resolve('scripts/local-slurm')
        // `up` is idempotent but reconfigures a cluster started with other options: only when it is not usable
        if( Files.isExecutable(script) && run([script.toString(), 'status'], Duration.ofSeconds(60)).exit != 0 ) {
            final up = run([script.toString(), 'up', '--nodes', '2'], Duration.ofMinutes(5))
            assertEquals(0, up.exit, "scripts/local-slurm up failed:\n${up.output}")
        }
        final sinfo = run(['sinfo', '--noheader', '-o', '%N %t'], Duration.ofSeconds(30))
        assertEquals(0, sinfo.exit, "Slurm is not reachable (start it with: scripts/local-slurm up --nodes 2):\n${sinfo.output}")
        final jar = Paths.get(System.getProperty('crflow.nf.pluginDir', REPO.resolve('engine-bridge/nextflow/target/plugins/nf-slurm-cr-0.1.0').toString()))
                .resolve('coordinator/crflow-coordinator.jar')
        assertTrue(Files.isRegularFile(jar), "the plugin's coordinator jar is missing: $jar (run mvn verify, which packages it first)")
    }

    void writeConfig(String text) {
        launchDir.resolve('nextflow.config').text = text
    }

    /** Extra environment for the driver (and, through sbatch's default --export=ALL, for the tasks). */
    final Map<String, String> env = [:]

    /** Starts `scripts/nextflow run SCRIPT ARGS` (default: examples/nextflow/main.nf) in the launch dir; output to driver-N.log. */
    Process start(List<String> args, Path script = EXAMPLE) {
        final log = launchDir.resolve("driver-${drivers.size() + 1}.log")
        final cmd = [REPO.resolve('scripts/nextflow').toString(), 'run', script.toString()] + args
        final pb = new ProcessBuilder(cmd).directory(launchDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
        pb.environment().put('CRFLOW_NF_SKIP_BUILD', '1')   // the plugin was just packaged by this Maven run
        pb.environment().put('NXF_ANSI_LOG', 'false')
        pb.environment().putAll(env)
        final p = pb.start()
        drivers << p
        return p
    }

    String driverLog(int n) { launchDir.resolve("driver-${n}.log").text }

    int await(Process p, Duration timeout) {
        if( !p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ) {
            p.destroyForcibly()
            fail("Nextflow did not finish within ${timeout}; launch dir ${launchDir}\n" + diagnostics())
        }
        return p.exitValue()
    }

    /** Polls until the condition holds or fails the test after the timeout. */
    void waitUntil(String what, Duration timeout, Closure<Boolean> condition) {
        final deadline = System.currentTimeMillis() + timeout.toMillis()
        while( System.currentTimeMillis() < deadline ) {
            if( condition.call() ) return
            sleep 1_000
        }
        fail("timed out after ${timeout} waiting for ${what}; launch dir ${launchDir}\n" + diagnostics())
    }

    /** The control directory of a process's (single) task. */
    Path taskControlDir(String process) {
        final root = launchDir.resolve('.crflow-nf/tasks')
        if( !Files.isDirectory(root) ) return null
        return Files.list(root).withCloseable { s -> s.filter { it.fileName.toString().startsWith(process + '-') }.findFirst().orElse(null) }
    }

    static List<Map> journal(Path ctl) {
        final file = ctl?.resolve('journal.jsonl')
        if( !file || !Files.exists(file) ) return []
        final slurper = new JsonSlurper()
        // one JSON object per line; anything else (a torn last line) is skipped
        return file.readLines().findResults { line ->
            try { final v = slurper.parseText(line); v instanceof Map ? (Map) v : null } catch( Exception e ) { null }
        } as List<Map>
    }

    /** Committed generations (a MANIFEST.json makes a generation), oldest first. */
    static List<Path> generations(Path ctl) {
        final images = ctl?.resolve('images')
        if( !images || !Files.isDirectory(images) ) return []
        return Files.list(images).withCloseable { s ->
            s.filter { it.fileName.toString().startsWith('gen-') && Files.exists(it.resolve('MANIFEST.json')) }.sorted().toList()
        }
    }

    /** count.py's progress as saved in the newest generation (its state file), or -1. */
    static int newestSavedCount(Path ctl) {
        final gens = generations(ctl)
        if( !gens ) return -1
        final state = Files.walk(gens.last()).withCloseable { s -> s.filter { it.fileName.toString() == 'count.state' }.findFirst().orElse(null) }
        return state ? (new JsonSlurper().parseText(state.text) as Map).i as int : -1
    }

    static String jobId(Path ctl) {
        final f = ctl?.resolve('job.json')
        return f && Files.exists(f) ? (new JsonSlurper().parseText(f.text) as Map).jobId : null
    }

    static String jobField(String jobId, String format) {
        final r = run(['squeue', '--noheader', '-j', jobId, '-o', format], Duration.ofSeconds(30))
        return r.exit == 0 ? r.output.trim() : null
    }

    /** The published report of the example: count=N, segments=K, then count.log. */
    Map<String, Object> report() {
        final file = launchDir.resolve('results/report.txt')
        assertTrue(Files.exists(file), "no report: ${file}\n" + diagnostics())
        final lines = file.readLines()
        return [count: lines.find { it.startsWith('count=') }?.substring(6) as Integer,
                starts: lines.findAll { it.startsWith('start i=') }.collect { (it =~ /start i=(\d+)/)[0][1] as int },
                text: file.text]
    }

    String diagnostics() {
        final sb = new StringBuilder()
        drivers.eachWithIndex { Process p, int i ->
            final f = launchDir.resolve("driver-${i + 1}.log")
            if( Files.exists(f) ) sb << "--- driver-${i + 1}.log (tail)\n" << f.readLines().takeRight(30).join('\n') << '\n'
        }
        final root = launchDir.resolve('.crflow-nf/tasks')
        if( Files.isDirectory(root) ) Files.list(root).withCloseable { s -> s.each { Path ctl ->
            for( name in ['stderr.log', 'stdout.log', 'journal.jsonl'] ) {
                final f = ctl.resolve(name)
                if( Files.exists(f) ) sb << "--- ${ctl.fileName}/${name} (tail)\n" << f.readLines().takeRight(25).join('\n') << '\n'
            }
        } }
        sb << '--- squeue\n' << run(['squeue'], Duration.ofSeconds(20)).output
        return sb.toString()
    }

    /** Kills leftover drivers and cancels the jobs this test's tasks submitted (never anyone else's). */
    void cleanup() {
        drivers.each { if( it.alive ) it.destroyForcibly() }
        final root = launchDir.resolve('.crflow-nf/tasks')
        if( !Files.isDirectory(root) ) return
        Files.list(root).withCloseable { s -> s.each { Path ctl ->
            final id = jobId(ctl)
            if( id && jobField(id, '%t') ) run(['scancel', id], Duration.ofSeconds(30))
        } }
    }

    static class Result {
        int exit
        String output
    }

    static Result run(List<String> cmd, Duration timeout) {
        final p = new ProcessBuilder(cmd).redirectErrorStream(true).start()
        final out = new StringBuilder()
        final t = Thread.start { out << p.inputStream.text }
        if( !p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ) {
            p.destroyForcibly()
            return new Result(exit: -1, output: "timed out: ${cmd.join(' ')}")
        }
        t.join(5_000)
        return new Result(exit: p.exitValue(), output: out.toString())
    }
}
