package dev.crflow.coordinator.journal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.spec.SpecReader;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Append-only, fsync'd JSON-lines file. One writer (the coordinator, under the control directory's
 * lock); any number of readers, which ignore a torn last line (a crash mid-append).
 */
public final class Journal implements Closeable {
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private final FileChannel channel;
    private final Clock clock;
    private final Path file;

    private Journal(Path file, FileChannel channel, Clock clock) {
        this.file = file;
        this.channel = channel;
        this.clock = clock;
    }

    /** Opens {@code file} for appending; a torn last line left by a crash is terminated first so the next line parses. */
    public static Journal openForAppend(Path file, Clock clock) throws IOException {
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS));
        long size = ch.size();
        if (size > 0) {
            try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                r.read(last, size - 1);
                if (last.get(0) != '\n') {
                    ch.write(ByteBuffer.wrap("\n".getBytes(StandardCharsets.UTF_8)));
                    ch.force(false);
                }
            }
        }
        return new Journal(file, ch, clock);
    }

    public Path file() { return file; }

    /** Appends {@code {"event": kind, "time": now, ...fields}} and fsyncs before returning. */
    public JournalEvent append(Event event) throws IOException {
        return appendLine(event.kind(), event.fields());
    }

    /**
     * One event from a process that does not hold the coordinator's lock (a driver's {@code attempt-lost}): opens,
     * appends one line with one write, fsyncs, closes. Only while no coordinator of the step runs, or for an attempt
     * Slurm already requeued (docs/contracts.md §3).
     */
    public static JournalEvent appendOnce(Path ctl, Clock clock, Event event) throws IOException {
        try (Journal j = openForAppend(ControlDir.of(ctl).journal(), clock)) {
            return j.append(event);
        }
    }

    /** Untyped append, from before {@link Event}. */
    @Deprecated
    public JournalEvent append(String event, Map<String, ?> fields) throws IOException {
        return appendLine(event, fields);
    }

    private synchronized JournalEvent appendLine(String event, Map<String, ?> fields) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", event);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        line.put("time", now.toString());
        line.putAll(fields);
        byte[] bytes = (SpecReader.mapper().writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) channel.write(buf);
        channel.force(false);
        return new JournalEvent(event, now, line);
    }

    /** Untyped append of alternating key/value pairs (null values are written as JSON null), from before {@link Event}. */
    @Deprecated
    public JournalEvent append(String event, Object... keyValues) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return appendLine(event, m);
    }

    @Override
    public synchronized void close() throws IOException { channel.close(); }

    /**
     * All events of {@code <ctl>/journal.jsonl}, oldest first; empty when there is none yet. A torn or unparsable line
     * (or one without {@code event}/{@code time}) is skipped; an unknown kind is kept ({@link Event.Unknown}).
     */
    public static List<JournalEvent> read(Path ctl) throws IOException {
        return readFile(ControlDir.of(ctl).journal());
    }

    public static List<JournalEvent> readFile(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        ObjectMapper m = SpecReader.mapper();
        List<JournalEvent> events = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            Map<String, Object> raw;
            try {
                raw = m.readValue(line, MAP);
            } catch (IOException torn) {
                continue; // a line torn by a crash mid-append; every complete line was fsync'd before the next one
            }
            Object ev = raw.get("event");
            Object t = raw.get("time");
            if (ev == null || t == null) continue;
            Instant time;
            try {
                time = parseTime(t.toString());
            } catch (RuntimeException e) {
                continue;
            }
            events.add(new JournalEvent(ev.toString(), time, java.util.Collections.unmodifiableMap(raw)));
        }
        return events;
    }

    /** ISO-8601 UTC as written; an explicit offset (a hand-written or foreign line) is converted, not refused. */
    private static Instant parseTime(String t) {
        try {
            return Instant.parse(t);
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(t).toInstant();
        }
    }
}
