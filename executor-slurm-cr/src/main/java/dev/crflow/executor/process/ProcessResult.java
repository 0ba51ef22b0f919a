package dev.crflow.executor.process;

/** What a finished (or timed-out) command left behind. */
public record ProcessResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean ok() { return !timedOut && exitCode == 0; }

    /** stderr (or stdout when stderr is empty), trimmed: for messages. */
    public String diagnostic() {
        String s = stderr.isBlank() ? stdout : stderr;
        return timedOut ? "timed out" + (s.isBlank() ? "" : ": " + s.strip()) : s.strip();
    }
}
