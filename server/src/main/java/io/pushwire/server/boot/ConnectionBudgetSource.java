package io.pushwire.server.boot;

import com.sun.management.UnixOperatingSystemMXBean;
import io.pushwire.server.core.ConnectionBudget;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The default of {@code server.max-tcp-connections}, drawn from this process's open-file limit (see
 * {@link ConnectionBudget}), so that a flood of connections, half-open upgrade requests included, cannot
 * exhaust file descriptors. A configuration source at the lowest ordinal: {@code -D}, the environment, an
 * operator's file and the jar's own properties all win. ({@code pushwire.limits.max-connections} follows
 * whatever TCP cap is in force: {@link PushwireSettings}.)
 */
public class ConnectionBudgetSource implements ConfigSource {
    static final String TCP_KEY = "server.max-tcp-connections";
    /** Below MicroProfile's 100 for {@code microprofile-config.properties}. */
    private static final int ORDINAL = 50;

    private final Map<String, String> values;

    public ConnectionBudgetSource() {
        this(budget());
    }

    ConnectionBudgetSource(ConnectionBudget budget) {
        this.values = budget == null ? Map.of() : Map.of(TCP_KEY, Long.toString(budget.tcpConnections()));
    }

    /** The budget for this process, or null where the JDK cannot tell its open-file limit. */
    static ConnectionBudget budget() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0
                ? ConnectionBudget.fromOpenFileLimit(unix.getMaxFileDescriptorCount()) : null;
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "pushwire connection budget (from the open-file limit)";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
