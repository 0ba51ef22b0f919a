package dev.crflow.cli;

import dev.crflow.cli.drain.CheckpointRequests;
import dev.crflow.executor.control.ControlJson;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code checkpoint} and {@code drain} report what each checkpoint request became; exit 0 only when all committed. */
final class Outcomes {
    private Outcomes() {}

    static int print(PrintWriter out, List<CheckpointRequests.Outcome> outcomes, boolean stop, boolean json) throws Exception {
        if (json) {
            List<Map<String, Object>> rows = outcomes.stream().map(o -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", o.target().name());
                m.put("jobId", o.target().jobId().orElse(null));
                m.put("ok", o.ok());
                m.put("status", o.status().name());
                m.put("generation", o.generation().orElse(null));
                m.put("bytes", o.bytes());
                m.put("durationMs", o.durationMs());
                m.put("detail", o.detail());
                return m;
            }).toList();
            out.println(ControlJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("checkpoints", rows)));
        } else {
            for (CheckpointRequests.Outcome o : outcomes) out.println(o.line(stop));
            if (stop && outcomes.stream().anyMatch(CheckpointRequests.Outcome::ok)) {
                out.println("stopped steps resume from their image with 'crflow restart STEP' or 'crflow run'");
            }
        }
        out.flush();
        return outcomes.stream().allMatch(CheckpointRequests.Outcome::ok) ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
