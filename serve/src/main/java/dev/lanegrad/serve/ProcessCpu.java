package dev.lanegrad.serve;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU-time readings for serve-bench: this process, its JIT compiler threads, and the whole machine (Linux
 * /proc where it is there), so a phase can state the server's CPU per answer and how much other processes
 * took meanwhile.
 */
final class ProcessCpu {

    private ProcessCpu() {
    }

    /** CPU milliseconds of the JIT compiler threads (Linux /proc), else the JIT's total compilation time. */
    static long compilerMillis() {
        long ticks = 0;
        boolean found = false;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (var t : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close);
                if (name.startsWith("C1 Compi") || name.startsWith("C2 Compi")) {
                    String[] f = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15), in 10 ms ticks (USER_HZ 100)
                    found = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            found = false;
        }
        return found ? ticks * 10 : ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** CPU time every process of the machine used (Linux /proc/stat: user, nice, system, irq, softirq, steal), or -1. */
    static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(f[i]);
            }
            return ticks * 10_000_000L; // USER_HZ 100
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time of this whole process (every thread), or 0 where the JDK does not tell. */
    static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
