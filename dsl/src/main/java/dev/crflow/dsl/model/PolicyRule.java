package dev.crflow.dsl.model;

import java.util.Optional;

/**
 * {@code policy { match('sim*') { … } }}: checkpoint and container settings for steps of external engines
 * (Nextflow processes, Snakemake rules) whose names match {@code glob}. The first matching rule wins.
 */
public record PolicyRule(String glob, Optional<CheckpointPolicy> checkpoint, Optional<ContainerSpec> container,
                         Optional<Integer> retry, SourceLocation declaredAt) {

    /** Shell-style glob: '*' any run, '?' one character, everything else literal. */
    public boolean matches(String name) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return name.matches(re.toString());
    }
}
