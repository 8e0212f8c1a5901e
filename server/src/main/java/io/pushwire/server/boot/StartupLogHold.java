package io.pushwire.server.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Holds back, while the server starts, the log records that carry an exception: a failed start-up is
 * then told in one line by {@link Main} instead of the same framework stack trace printed two or three
 * times, and the held records go to debug. Once the server is up, whatever was held is printed as it
 * would have been.
 */
final class StartupLogHold implements Filter {
    private final Handler handler;
    private final Filter previous;
    /** Guarded by {@code this}; null once released. */
    private List<LogRecord> held = new ArrayList<>();

    private StartupLogHold(Handler handler) {
        this.handler = handler;
        this.previous = handler.getFilter();
    }

    /** Holds exception records at every handler of the root logger, as logging is configured now. */
    static List<StartupLogHold> install() {
        List<StartupLogHold> holds = new ArrayList<>();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            StartupLogHold hold = new StartupLogHold(handler);
            handler.setFilter(hold);
            holds.add(hold);
        }
        return holds;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (previous != null && !previous.isLoggable(record)) {
            return false;
        }
        if (record.getThrown() == null || record.getLevel().intValue() < Level.WARNING.intValue()) {
            return true;
        }
        synchronized (this) {
            if (held == null) {
                return true;
            }
            held.add(record);
            return false;
        }
    }

    /** Stops holding and returns what was held, in order, for the caller to print or to log at debug. */
    List<LogRecord> release() {
        handler.setFilter(previous);
        synchronized (this) {
            List<LogRecord> released = held;
            held = null;
            return released;
        }
    }

    /** Stops holding and prints what was held at its handler, as if it had never been held. */
    void releaseAndPrint() {
        release().forEach(handler::publish);
    }
}
