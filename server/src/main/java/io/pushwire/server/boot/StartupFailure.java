package io.pushwire.server.boot;

import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Says in one line why the server did not start, from the exceptions the start-up raised or logged: what
 * an operator reads instead of a framework's stack trace, naming the setting to change where one is to blame.
 */
final class StartupFailure {
    /**
     * A message of ours that names a key, as {@code Setting}'s checks and the settings' parsers write them;
     * not a class name such as {@code io.pushwire.server.core.Hub}, which a stack's messages may hold.
     */
    private static final Pattern NAMES_A_SETTING = Pattern.compile("(?<![\\w.])(pushwire|server)\\.[a-z0-9.<>-]+");

    private StartupFailure() {
    }

    /**
     * One line for {@code failures} (the thrown exception and the ones logged before it, in any order;
     * none when the web server just did not come up), given where it was asked to listen.
     */
    static String describe(List<Throwable> failures, String host, String port) {
        for (Throwable failure : failures) {
            for (Throwable cause : chain(failure)) {
                if (cause instanceof BindException) {
                    return "cannot listen on " + host + ":" + port + ": " + cause.getMessage()
                            + " (another process holds the port? set server.port or server.host)";
                }
            }
        }
        for (Throwable failure : failures) {
            for (Throwable cause : chain(failure)) {
                String message = cause.getMessage();
                if (message != null && NAMES_A_SETTING.matcher(message).find()) {
                    return "invalid configuration: " + message;
                }
            }
        }
        if (failures.isEmpty()) {
            return "the web server did not start on " + host + ":" + port;
        }
        Throwable root = chain(failures.get(failures.size() - 1)).getLast();
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** {@code failure}, then its causes, outermost first; a cycle ends the walk. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }
}
