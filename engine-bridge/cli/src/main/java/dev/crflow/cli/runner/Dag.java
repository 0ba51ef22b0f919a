package dev.crflow.cli.runner;

import dev.crflow.dsl.model.Step;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps' dependency graph, planned once in O(steps + edges): a topological order and, per step, its
 * dependents. The DSL rejects cycles already; the plan checks again because other callers build steps by hand.
 */
public final class Dag {
    private final List<Step> order;
    private final Map<String, Step> byName;
    private final Map<String, List<String>> dependents;

    private Dag(List<Step> order, Map<String, Step> byName, Map<String, List<String>> dependents) {
        this.order = order;
        this.byName = byName;
        this.dependents = dependents;
    }

    public static Dag plan(List<Step> steps) {
        Map<String, Step> byName = new HashMap<>(steps.size() * 2);
        for (Step s : steps) {
            if (byName.put(s.name(), s) != null) throw new IllegalArgumentException("duplicate step '" + s.name() + "'");
        }
        Map<String, Integer> missing = new HashMap<>(steps.size() * 2);
        Map<String, List<String>> dependents = new HashMap<>(steps.size() * 2);
        for (Step s : steps) {
            missing.put(s.name(), s.after().size());
            for (String dep : s.after()) {
                if (!byName.containsKey(dep)) throw new IllegalArgumentException("step '" + s.name() + "' runs after unknown step '" + dep + "'");
                dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(s.name());
            }
        }
        ArrayDeque<String> ready = new ArrayDeque<>();
        for (Step s : steps) if (s.after().isEmpty()) ready.add(s.name());
        List<Step> order = new ArrayList<>(steps.size());
        while (!ready.isEmpty()) {
            String n = ready.poll();
            order.add(byName.get(n));
            for (String d : dependents.getOrDefault(n, List.of())) {
                if (missing.merge(d, -1, Integer::sum) == 0) ready.add(d);
            }
        }
        if (order.size() != steps.size()) {
            List<String> stuck = steps.stream().map(Step::name).filter(n -> missing.get(n) > 0).limit(10).toList();
            throw new IllegalArgumentException("dependency cycle among steps " + stuck);
        }
        return new Dag(List.copyOf(order), byName, dependents);
    }

    public List<Step> order() { return order; }

    public Step step(String name) { return byName.get(name); }

    public List<String> dependents(String name) { return dependents.getOrDefault(name, List.of()); }

    public int size() { return order.size(); }
}
