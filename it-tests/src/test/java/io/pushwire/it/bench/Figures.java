package io.pushwire.it.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One measured run's headline figures, and the side-by-side table of Pushwire against the baseline.
 * Absolute numbers drift on a shared machine; the ratio of two runs taken in the same invocation is
 * what the benchmark states. With several rounds, each round's ratio is computed and the median taken.
 *
 * @param deliveredPerSecond        events delivered per second of the window (NaN without publishing)
 * @param p50Ms                     end-to-end latency percentiles (NaN without events)
 * @param p99Ms                     see p50Ms
 * @param toLastP99Ms               time for a publish to reach its last subscriber, p99
 * @param serverCpuPercent          the server's CPU over the window, % of one core
 * @param cpuSecondsPerMillion      the server's CPU seconds per million deliveries
 * @param rssMib                    the server's RSS at the end of the window
 * @param liveHeapPerConnectionBytes live heap after a full GC, less the same before any connection, per connection
 * @param losses                    missing, duplicated and skipped-over events
 */
record Figures(double deliveredPerSecond, double p50Ms, double p99Ms, double toLastP99Ms, double serverCpuPercent,
               double cpuSecondsPerMillion, long rssMib, long liveHeapPerConnectionBytes, long losses) {

    private record Row(String name, String format, ToDoubleFunction<Figures> value) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("delivered events/s", "%,.0f", Figures::deliveredPerSecond),
            new Row("latency p50 ms", "%.1f", Figures::p50Ms),
            new Row("latency p99 ms", "%.1f", Figures::p99Ms),
            new Row("to last subscriber p99 ms", "%.1f", Figures::toLastP99Ms),
            new Row("server CPU, % of a core", "%.0f", Figures::serverCpuPercent),
            new Row("server CPU s per million deliveries", "%.2f", Figures::cpuSecondsPerMillion),
            new Row("server RSS MiB", "%.0f", f -> f.rssMib),
            new Row("live heap per connection, bytes", "%,.0f",
                    f -> f.liveHeapPerConnectionBytes < 0 ? Double.NaN : f.liveHeapPerConnectionBytes),
            new Row("events lost, duplicated or skipped", "%.0f", f -> f.losses));

    /** A markdown table: each figure for Pushwire and the baseline per round, and the median ratio. */
    static String comparison(String scenario, List<Figures> pushwire, List<Figures> baseline) {
        StringBuilder md = new StringBuilder("### ").append(scenario).append(": Pushwire / baseline (Netty broadcast), ")
                .append(pushwire.size()).append(pushwire.size() == 1 ? " round" : " rounds").append("\n\n");
        md.append("| figure | Pushwire | baseline | Pushwire / baseline |\n|---|---|---|---|\n");
        for (Row row : ROWS) {
            List<String> ours = new ArrayList<>();
            List<String> theirs = new ArrayList<>();
            double[] ratios = new double[Math.min(pushwire.size(), baseline.size())];
            for (int i = 0; i < ratios.length; i++) {
                double a = row.value().applyAsDouble(pushwire.get(i));
                double b = row.value().applyAsDouble(baseline.get(i));
                ours.add(format(row.format(), a));
                theirs.add(format(row.format(), b));
                ratios[i] = a / b;
            }
            md.append("| ").append(row.name()).append(" | ").append(String.join(", ", ours)).append(" | ")
                    .append(String.join(", ", theirs)).append(" | ").append(ratioText(ratios)).append(" |\n");
        }
        return md.toString();
    }

    private static String ratioText(double[] ratios) {
        double[] finite = Arrays.stream(ratios).filter(r -> Double.isFinite(r)).toArray();
        if (finite.length == 0) {
            return "-";
        }
        String text = String.format(Locale.ROOT, "**%.2f**", median(finite));
        if (finite.length > 1) {
            List<String> each = new ArrayList<>();
            for (double r : ratios) {
                each.add(format("%.2f", r));
            }
            text += " (median of " + String.join(", ", each) + ")";
        }
        return text;
    }

    /** The median of {@code values} (at least one); the mean of the middle two when their number is even. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String format(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }
}
