package io.pushwire.server.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * One INFO line per connection and session lifecycle event, as {@code key=value} pairs that log
 * pipelines can parse, on its own logger ({@value #LOGGER}) so that operators can route or silence it:
 *
 * <pre>event=connection.closed conn=17 clientId=c_3kf… remote=10.0.3.7:51234 code=4001 by=server reason="outbound queue over budget"</pre>
 *
 * Nothing is logged per event delivered.
 */
final class LifecycleLog {
    static final String LOGGER = "io.pushwire.lifecycle";
    private static final Logger LOG = System.getLogger(LOGGER);

    private final StringBuilder line = new StringBuilder(160);

    private LifecycleLog(String event) {
        line.append("event=").append(event);
    }

    /** A line for {@code event}, or null when INFO is off for the logger (nothing is built then). */
    static LifecycleLog event(String event) {
        return LOG.isLoggable(Level.INFO) ? new LifecycleLog(event) : null;
    }

    LifecycleLog with(String key, Object value) {
        if (value == null) {
            return this;
        }
        String text = value.toString();
        line.append(' ').append(key).append('=');
        if (text.isEmpty() || text.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x20)) {
            line.append('"');
            text.chars().forEach(c -> {
                if (c == '"' || c == '\\') {
                    line.append('\\').append((char) c);
                } else if (c < 0x20) {
                    line.append(' ');
                } else {
                    line.append((char) c);
                }
            });
            line.append('"');
        } else {
            line.append(text);
        }
        return this;
    }

    void log() {
        LOG.log(Level.INFO, line.toString());
    }
}
