package io.pushwire.server.feed.upstream;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Logs a feed's failures once per state change: the first failure of a class after the feed was live
 * (or after another class), and the recovery. A feed that cannot reach its exchange for an hour writes
 * two lines, not one per attempt. Confined to the feed's loop thread.
 */
final class FailureLog {
    private static final Logger LOG = System.getLogger(UpstreamFeed.class.getName());

    private final String feed;
    /** The class last logged since the feed was last live; null while it is live. */
    private FailureClass current;
    /** Classes of problems that cost no connection, logged since the feed was last (re)connected live. */
    private final java.util.EnumSet<FailureClass> noticed = java.util.EnumSet.noneOf(FailureClass.class);
    private long downSinceMs = -1;
    private int failuresSinceLive;

    FailureLog(String feed) {
        this.feed = feed;
    }

    /** Records a failure; returns whether it was logged (a new class since the feed was last live). */
    boolean failed(Failure failure, long nowMs, long retryInMs) {
        failuresSinceLive++;
        if (downSinceMs < 0) {
            downSinceMs = nowMs;
        }
        if (failure.kind() == current) {
            return false;
        }
        current = failure.kind();
        Level level = failure.kind() == FailureClass.FATAL || failure.kind() == FailureClass.AUTH ? Level.ERROR : Level.WARNING;
        LOG.log(level, "feed " + feed + " " + failure + "; retrying in " + retryInMs
                + " ms with backoff (logged once until the feed is live or the failure class changes)");
        return true;
    }

    /**
     * A problem that does not end the connection (a malformed message, a rejected subscription): logged
     * once per class until the feed goes live again.
     */
    boolean noticed(Failure failure) {
        if (!noticed.add(failure.kind())) {
            return false;
        }
        LOG.log(Level.WARNING, "feed " + feed + " " + failure + " (logged once until the failure class changes)");
        return true;
    }

    /** The feed is live again. */
    void live(long nowMs) {
        if (downSinceMs >= 0) {
            LOG.log(Level.INFO, "feed " + feed + " live again after " + failuresSinceLive + " failed attempts, "
                    + (nowMs - downSinceMs) + " ms");
        }
        current = null;
        noticed.clear();
        downSinceMs = -1;
        failuresSinceLive = 0;
    }
}
