package dev.crflow.executor.slurm;

import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.control.SubmitIntent;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Several steps as ONE Slurm job array (e.g. {@code crflow rerun --failed}); resources from the first launch. The
 * intent is recorded in the array's own directory first and reconciled by name like a single submission; each
 * step's {@code job.json} then names its array task ({@code ID_i}).
 */
final class ArraySubmission {
    private final SlurmClient slurm;
    private final BatchScriptRenderer renderer;
    private final CoordinatorLaunch coordinator;
    private final Clock clock;
    private final String executorName;

    ArraySubmission(SlurmClient slurm, BatchScriptRenderer renderer, CoordinatorLaunch coordinator, Clock clock, String executorName) {
        this.slurm = slurm;
        this.renderer = renderer;
        this.coordinator = coordinator;
        this.clock = clock;
        this.executorName = executorName;
    }

    List<JobHandle> submit(List<StepLaunch> launches, String arrayName, java.nio.file.Path arrayDir) throws ExecutorException {
        StepControlDir arrayCtl = new StepControlDir(arrayDir);
        try {
            arrayCtl.create();
            List<java.nio.file.Path> ctls = new ArrayList<>();
            for (StepLaunch l : launches) {
                l.controlDir().create();
                l.controlDir().writeSpec(l.step());
                ctls.add(l.controlDir().path());
            }
            StepLaunch first = launches.get(0);
            String script = renderer.renderArray(new RenderRequest(first.step(), arrayName, first.controlDir().path(), coordinator,
                    first.remainingBudget(), first.excludeNodes()), ctls, arrayDir);
            String arrayId = null;
            Optional<SubmitIntent> earlier = arrayCtl.readSubmitIntent();
            if (earlier.isPresent() && arrayCtl.readJob().isEmpty()) {
                QueueSnapshot snap = slurm.queue(QueueQuery.byNames(List.of(arrayName)));
                if (!snap.known()) throw new ExecutorException("cannot tell whether the array was submitted: " + snap.problem(), true);
                arrayId = snap.withName(arrayName).stream().map(QueueEntry::arrayJobId).findFirst().orElse(null);
            }
            if (arrayId == null) {
                arrayCtl.writeScript(script);
                arrayCtl.writeJson(arrayCtl.submitIntent(), new SubmitIntent(arrayName, 1, clock.instant(), List.of()));
                arrayId = slurm.submit(arrayCtl.script(), List.of());
            }
            arrayCtl.writeJson(arrayCtl.job(), new JobRecord(arrayId, arrayName, 1, clock.instant(), executorName, null, List.of(), List.of()));
            List<JobHandle> handles = new ArrayList<>();
            for (int i = 0; i < launches.size(); i++) {
                StepLaunch l = launches.get(i);
                String id = arrayId + "_" + i;
                l.controlDir().writeJson(l.controlDir().job(), new JobRecord(id, arrayName, l.attempt(), clock.instant(), executorName, null,
                        l.knownJobIds(), List.of()));
                handles.add(new JobHandle(id, arrayName, l.attempt(), l.step().name()));
            }
            return handles;
        } catch (SlurmException e) {
            throw new ExecutorException("could not submit the job array: " + e.getMessage(), e.isTransient(), e);
        } catch (IOException e) {
            throw new ExecutorException("cannot write " + arrayDir + ": " + e.getMessage(), true, e);
        }
    }
}
