package dev.crflow.coordinator.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Which numbers are in use as pids, process groups or sessions, from /proc (Linux; zombies included). */
public final class ProcTable {
    /** A process that holds {@code number} as its pid, process group or session id. */
    public record Holder(int number, int pid, String command, char state, String role) {
        public String describe() {
            return "as the " + role + " of pid " + pid + " '" + command + "'" + (state == 'Z' ? ", a zombie not yet reaped" : "");
        }
    }

    private record Entry(int pid, String command, char state, int pgrp, int session) {}

    private ProcTable() {}

    /** The pids of the session led by {@code sid}, the leader first (then in ascending order). */
    public static List<Integer> session(int sid) {
        List<Integer> out = new ArrayList<>();
        out.add(sid);
        for (Entry e : entries()) if (e.session() == sid && e.pid() != sid) out.add(e.pid());
        out.subList(1, out.size()).sort(Integer::compare);
        return out;
    }

    /** The first of {@code numbers} that some process here holds (pid, group or session), with its holder. */
    public static Optional<Holder> firstTaken(List<Integer> numbers) {
        Set<Integer> wanted = new HashSet<>(numbers);
        for (Entry e : entries()) {
            if (wanted.contains(e.pid())) return Optional.of(new Holder(e.pid(), e.pid(), e.command(), e.state(), "pid"));
            if (wanted.contains(e.pgrp())) return Optional.of(new Holder(e.pgrp(), e.pid(), e.command(), e.state(), "process group"));
            if (wanted.contains(e.session())) return Optional.of(new Holder(e.session(), e.pid(), e.command(), e.state(), "session"));
        }
        return Optional.empty();
    }

    private static List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : ds) parse(p).ifPresent(out::add);
        } catch (IOException e) {
            // /proc unreadable: nothing known to be in use
        }
        return out;
    }

    private static Optional<Entry> parse(Path dir) {
        try {
            String s = Files.readString(dir.resolve("stat"));
            int open = s.indexOf('(');
            int close = s.lastIndexOf(')');
            String[] f = s.substring(close + 2).split(" ");
            // f[0] = state (field 3), f[2] = pgrp (field 5), f[3] = session (field 6)
            return Optional.of(new Entry(Integer.parseInt(dir.getFileName().toString()), s.substring(open + 1, close),
                    f[0].charAt(0), Integer.parseInt(f[2]), Integer.parseInt(f[3])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone meanwhile
        }
    }
}
