package io.pushwire.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * After the measurement: where the server's memory is, with the JDK's {@code jcmd}. Heap used and
 * committed, then a full GC ({@code GC.run}) and the same again with the RSS, and, when the server runs
 * with {@code -XX:NativeMemoryTracking=summary}, the native memory summary (saved beside the results).
 * This perturbs the server, so it runs only once everything is measured.
 */
final class ServerDiagnostics {
    private static final Pattern HEAP = Pattern.compile("committed (\\d+)K, used (\\d+)K");
    private static final Pattern NMT_LINE = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");

    private ServerDiagnostics() {
    }

    /** What {@link #run} found: one markdown line, and the heap still used after the full GC (-1: unknown). */
    record Memory(String markdown, long liveHeapKib) {
    }

    /** The heap still used after a full GC, KiB; -1 when jcmd cannot tell. */
    static long liveHeapKib(long pid) {
        try {
            jcmd(pid, "GC.run");
            Thread.sleep(500);
            return heap(pid)[1];
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** One markdown line (or a note of why there is none) and the live heap. */
    static Memory run(long pid, Path nmtFile, Path histogramFile) {
        try {
            long[] before = heap(pid);
            jcmd(pid, "GC.run");
            Thread.sleep(1_000);
            long[] after = heap(pid);
            long rss = ProcStats.statusKib(pid, "VmRSS");
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "- Server memory after the run (jcmd): heap used %d MiB of %d MiB committed; after a full GC "
                            + "(GC.run): heap used %d MiB of %d MiB committed, RSS %d MiB",
                    before[1] / 1024, before[0] / 1024, after[1] / 1024, after[0] / 1024, rss / 1024));
            String histogram = jcmd(pid, "GC.class_histogram");
            Files.writeString(histogramFile, histogram);
            List<String> top = new ArrayList<>();
            for (String row : histogram.lines().toList()) {
                String[] f = row.trim().split("\\s+");
                // " 1:  instances  bytes  class"
                if (f.length >= 4 && f[0].endsWith(":") && top.size() < 6) {
                    top.add(f[3] + " " + Long.parseLong(f[2]) / (1024 * 1024) + " MiB (" + f[1] + ")");
                }
            }
            line.append("; largest live classes: ").append(String.join(", ", top))
                    .append(" (").append(histogramFile.getFileName()).append(')');
            String nmt = jcmd(pid, "VM.native_memory", "summary");
            if (nmt.contains("Native Memory Tracking:")) {
                Files.writeString(nmtFile, nmt);
                List<String> parts = new ArrayList<>();
                for (String nmtLine : nmt.lines().toList()) {
                    Matcher total = NMT_TOTAL.matcher(nmtLine.trim());
                    if (total.find()) {
                        parts.add(0, "total " + Long.parseLong(total.group(1)) / 1024);
                    }
                    Matcher category = NMT_LINE.matcher(nmtLine.trim());
                    if (category.find() && Long.parseLong(category.group(2)) >= 4 * 1024) {
                        parts.add(category.group(1).trim() + " " + Long.parseLong(category.group(2)) / 1024);
                    }
                }
                line.append("; native memory tracking, committed MiB: ").append(String.join(", ", parts))
                        .append(" (").append(nmtFile.getFileName()).append(')');
            }
            return new Memory(line.append('\n').toString(), after[1]);
        } catch (IOException | RuntimeException e) {
            return new Memory("- Server memory after the run: jcmd failed: " + e + "\n", -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Memory("", -1);
        }
    }

    /** {committed, used} KiB of the heap. */
    private static long[] heap(long pid) throws IOException, InterruptedException {
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP.matcher(info);
        if (!m.find()) {
            throw new IOException("unexpected GC.heap_info: " + info);
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        args.add(Long.toString(pid));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("jcmd " + String.join(" ", command) + " did not finish");
        }
        return out;
    }
}
