package io.pushwire.server.boot;

import io.helidon.microprofile.server.ServerCdiExtension;
import io.pushwire.server.core.ConnectionBudget;
import io.pushwire.server.core.ServerConfig;
import jakarta.enterprise.inject.spi.CDI;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The server's entry point: Helidon's CDI main, and the two things it leaves out. A server that cannot
 * listen, or whose configuration is wrong, exits with status 1 after one line that says why (Helidon logs
 * a bind failure, then "Server started on http://localhost:-1", and exits 0); and "ready" is logged only
 * once the port is bound.
 */
public final class Main {
    private static final Logger LOG = System.getLogger(Main.class.getName());
    static final int FAILED_TO_START = 1;

    private Main() {
    }

    public static void main(String[] args) throws ClassNotFoundException {
        // Loading Helidon's main creates its CDI container, which reads logging.properties: the handlers
        // that the hold sits on exist only after that.
        Class.forName(io.helidon.microprofile.cdi.Main.class.getName(), true, Main.class.getClassLoader());
        List<StartupLogHold> holds = StartupLogHold.install();
        List<Throwable> thrown = new ArrayList<>();
        ServerCdiExtension server = null;
        try {
            io.helidon.microprofile.cdi.Main.main(args);
            server = CDI.current().getBeanManager().getExtension(ServerCdiExtension.class);
        } catch (RuntimeException | Error e) {
            thrown.add(e);
        }
        if (server == null || !server.started() || server.port() < 0) {
            fail(holds, thrown);
            return;
        }
        holds.forEach(StartupLogHold::releaseAndPrint);
        UnknownSettings.warnAbout(ConfigProvider.getConfig());
        PushwireRuntime runtime = CDI.current().select(PushwireRuntime.class).get();
        String host = host(ConfigProvider.getConfig());
        LOG.log(Level.INFO, "Pushwire ready in " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms: listening on "
                + host + ":" + server.port() + ", WebSocket endpoint /ws");
        LOG.log(Level.INFO, budget(ConfigProvider.getConfig(), runtime));
        runtime.apiAccess().startupWarning(host, server.port()).ifPresent(warning -> LOG.log(Level.WARNING, warning));
        // Last: readiness goes UP only now, with every start-up line written.
        runtime.markServing();
    }

    /** One line on stderr, the full traces at debug, and exit status 1. */
    private static void fail(List<StartupLogHold> holds, List<Throwable> thrown) {
        List<Throwable> failures = new ArrayList<>();
        for (StartupLogHold hold : holds) {
            for (LogRecord record : hold.release()) {
                failures.add(record.getThrown());
                LOG.log(Level.DEBUG, record.getLoggerName() + ": " + record.getMessage(), record.getThrown());
            }
        }
        thrown.forEach(e -> LOG.log(Level.DEBUG, "start-up failed", e));
        failures.addAll(thrown);
        Config config = ConfigProvider.getConfig();
        String host = host(config);
        String port = config.getOptionalValue("server.port", String.class).orElse("8080");
        System.err.println("pushwire: cannot start: " + StartupFailure.describe(failures, host, port)
                + " (its stack trace is logged at debug level: docs/OPERATIONS.md, \"Start-up failures\")");
        System.exit(FAILED_TO_START);
    }

    /** The connection caps in force, configured or drawn from the open-file limit. */
    private static String budget(Config config, PushwireRuntime runtime) {
        ConnectionBudget drawn = ConnectionBudgetSource.budget();
        return "connection budget: " + ConnectionBudgetSource.TCP_KEY + "="
                + config.getOptionalValue(ConnectionBudgetSource.TCP_KEY, String.class).orElse("unlimited") + ", "
                + ServerConfig.MAX_CONNECTIONS.key() + "=" + runtime.server().config().maxConnections()
                + (drawn == null ? "" : " (open-file limit " + drawn.openFileLimit() + ", defaults keep "
                + drawn.kept() + " files for everything else)");
    }

    /** Where the web server listens: Helidon's extension reports its default, not the configured host. */
    private static String host(Config config) {
        return config.getOptionalValue("server.host", String.class).orElse("0.0.0.0");
    }
}
