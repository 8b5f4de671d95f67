package fr.rempart.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the CPU time goes during a measurement window, read from Linux's /proc: this benchmark
 * process (client threads or bare hashing), the Payara Micro server, the PostgreSQL processes, and
 * the whole machine, so that load from other programs (the machine is shared) shows up as
 * "foreign" CPU instead of silently lowering a rate.
 */
final class Machine {

    /** /proc counts in USER_HZ, 100 per second on Linux whatever the kernel's HZ. */
    private static final double USER_HZ = 100.0;

    /** CPU seconds used so far by each party, and the machine's busy and total CPU seconds. */
    record Sample(long nanos, double bench, double server, double postgres, double machineBusy, double machineTotal,
                  Map<Long, Task> benchThreads, Map<Long, Task> serverThreads) {

        Window until(Sample end) {
            return new Window((end.nanos - nanos) / 1e9, end.bench - bench, end.server - server, end.postgres - postgres,
                    end.machineBusy - machineBusy, end.machineTotal - machineTotal,
                    byKind(benchThreads, end.benchThreads, end.bench - bench), byKind(serverThreads, end.serverThreads, end.server - server));
        }
    }

    /** A thread of a process: its name (as Linux keeps it, 15 characters) and CPU seconds so far. */
    record Task(String name, double cpu) {
    }

    /** CPU seconds used during a window of {@code wall} seconds; for the two JVMs, split by kind of thread. */
    record Window(double wall, double bench, double server, double postgres, double machineBusy, double machineTotal,
                  Map<String, Double> benchKinds, Map<String, Double> serverKinds) {

        double foreign() {
            return Math.max(0, machineBusy - bench - server - postgres);
        }

        String describe() {
            return String.format("CPU s: bench %.1f %s, server %.1f %s, postgres %.1f, foreign %.1f, idle %.1f of %.1f",
                    bench, kinds(benchKinds), server, kinds(serverKinds), postgres, foreign(), machineTotal - machineBusy, machineTotal);
        }

        private static String kinds(Map<String, Double> kinds) {
            return kinds.entrySet().stream().filter(e -> e.getValue() >= 0.05)
                    .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).collect(Collectors.joining(", ", "(", ")"));
        }
    }

    /**
     * The CPU of each kind of thread during the window: JIT compilers, garbage collection, the
     * workers (Payara's HTTP threads, or this benchmark's), the rest; "ended" is what threads gone by
     * the window's end used (not attributable).
     */
    private static Map<String, Double> byKind(Map<Long, Task> start, Map<Long, Task> end, double total) {
        Map<String, Double> kinds = new LinkedHashMap<>();
        for (String kind : List.of("workers", "JIT", "GC", "other")) {
            kinds.put(kind, 0.0);
        }
        double seen = 0;
        for (var e : end.entrySet()) {
            Task before = start.get(e.getKey());
            double used = e.getValue().cpu() - (before == null ? 0 : before.cpu());
            seen += used;
            kinds.merge(kind(e.getValue().name()), used, Double::sum);
        }
        kinds.put("ended", Math.max(0, total - seen));
        return kinds;
    }

    private static String kind(String thread) {
        if (thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler")) {
            return "JIT";
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ")) {
            return "GC";
        }
        if (thread.startsWith("http-thread-poo") || thread.startsWith("bench-") || thread.startsWith("HttpClient")) {
            return "workers";
        }
        return "other";
    }

    /** The threads of a process from /proc/PID/task (times in clock ticks, 100 a second on Linux). */
    private static Map<Long, Task> threads(long pid) {
        Map<Long, Task> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] f = stat.substring(close + 2).split(" ");
                    // After the name: state is field 3, utime and stime fields 14 and 15 of the whole line.
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / USER_HZ;
                    threads.put(Long.parseLong(task.getFileName().toString()), new Task(stat.substring(open + 1, close), cpu));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such process
        }
        return threads;
    }

    private final Optional<ProcessHandle> server;
    private final Optional<ProcessHandle> postmaster;

    private Machine(Optional<ProcessHandle> server, Optional<ProcessHandle> postmaster) {
        this.server = server;
        this.postmaster = postmaster;
    }

    /** Watches the Payara Micro child of this JVM and the PostgreSQL server whose data directory is {@code pgdata} (if any). */
    static Machine watching(Path pgdata) {
        Optional<ProcessHandle> payara = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().map(c -> c.contains("payara-micro")).orElse(false)).findFirst();
        Optional<ProcessHandle> postgres = pgdata == null ? Optional.empty() : ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(pgdata.toString()) && c.contains("postgres")).orElse(false)
                        && p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .findFirst();
        return new Machine(payara, postgres);
    }

    boolean seesServer() {
        return server.isPresent();
    }

    boolean seesPostgres() {
        return postmaster.isPresent();
    }

    Sample sample() {
        double[] machine = machine();
        double pg = postmaster.map(p -> cpu(p) + p.descendants().mapToDouble(Machine::cpu).sum()).orElse(0.0);
        Map<Long, Task> benchThreads = threads(ProcessHandle.current().pid());
        Map<Long, Task> serverThreads = server.map(p -> threads(p.pid())).orElse(Map.of());
        return new Sample(System.nanoTime(), cpu(ProcessHandle.current()), server.map(Machine::cpu).orElse(0.0), pg, machine[0], machine[1],
                benchThreads, serverThreads);
    }

    private static double cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    }

    /** Busy (user, nice, system, irq, softirq, steal) and total CPU seconds of the machine since boot. */
    private static double[] machine() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow().trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new double[]{busy / USER_HZ, (busy + idle + iowait) / USER_HZ};
        } catch (IOException | RuntimeException e) {
            return new double[]{0, 0};
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** nproc, CPU model, memory, OS and the JVM running this benchmark. */
    static List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("available processors (JVM): " + Runtime.getRuntime().availableProcessors());
        try (Stream<String> cpu = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu.filter(l -> l.startsWith("model name")).findFirst().ifPresent(l -> lines.add("CPU: " + l.substring(l.indexOf(':') + 1).trim()));
        } catch (IOException ignored) {
            // not Linux
        }
        try (Stream<String> mem = Files.lines(Path.of("/proc/meminfo"))) {
            mem.filter(l -> l.startsWith("MemTotal")).findFirst().ifPresent(l -> lines.add("memory: " + l.substring(l.indexOf(':') + 1).trim()));
        } catch (IOException ignored) {
            // not Linux
        }
        lines.add("OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        lines.add("Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")");
        lines.add("benchmark JVM options: " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X")).toList());
        lines.add("load average at start: " + loadAverage());
        return lines;
    }
}
