package dev.crflow.coordinator.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** RSS and CPU of every process in a process group, from /proc (Linux). */
public final class ProcSampler {
    /** USER_HZ: 100 on every Linux ABI crflow runs on. */
    static final double TICKS_PER_SECOND = 100.0;
    static final long PAGE_SIZE = 4096;

    public record Sample(long rssBytes, double cpuSeconds, int processes) {}

    private ProcSampler() {}

    public static Sample sampleGroup(int pgid) {
        long rssPages = 0;
        long ticks = 0;
        int count = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : ds) {
                Optional<long[]> st = stat(p.resolve("stat"));
                if (st.isEmpty() || st.get()[0] != pgid) continue;
                count++;
                ticks += st.get()[1];
                rssPages += st.get()[2];
            }
        } catch (IOException e) {
            return new Sample(0, 0, 0);
        }
        return new Sample(rssPages * PAGE_SIZE, ticks / TICKS_PER_SECOND, count);
    }

    /** {pgrp, utime+stime, rss pages} of one /proc/PID/stat; the command name may hold spaces and parens. */
    static Optional<long[]> stat(Path statFile) {
        try {
            String s = Files.readString(statFile);
            int close = s.lastIndexOf(')');
            String[] f = s.substring(close + 2).split(" ");
            // f[0] is field 3 (state); pgrp = field 5, utime 14, stime 15, rss 24
            long pgrp = Long.parseLong(f[2]);
            long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long rss = Long.parseLong(f[21]);
            return Optional.of(new long[]{pgrp, cpu, rss});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Start time (clock ticks since boot) of a process, to tell a recorded pid from a reused one. */
    public static Optional<Long> startTicks(int pid) {
        try {
            String s = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(f[19]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
