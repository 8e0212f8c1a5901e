package io.pushwire.protocol;

import java.util.regex.Pattern;

/** Channel names: 1 to 128 characters of {@code [A-Za-z0-9._:@$-]}. */
public final class Channels {
    public static final int MAX_LENGTH = 128;
    /** The session's private channel: pushes to one client, resumable like any channel. */
    public static final String ME = "$me";
    /** What a whole name matches: the characters allowed, one or more (the length is checked apart). */
    public static final String NAME_PATTERN = "[A-Za-z0-9._:@$-]+";

    private static final Pattern ALLOWED = Pattern.compile(NAME_PATTERN);

    private Channels() {
    }

    /** Whether {@code name} is a valid channel name. */
    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && ALLOWED.matcher(name).matches();
    }

    /** Returns {@code name} if valid, else throws a {@link ProtocolException} saying why. */
    public static String requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw ProtocolException.badRequest("channel name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw ProtocolException.badRequest(
                    "channel name is " + name.length() + " characters, the limit is " + MAX_LENGTH);
        }
        if (!ALLOWED.matcher(name).matches()) {
            throw ProtocolException.badRequest("channel name '" + name + "' has characters outside [A-Za-z0-9._:@$-]");
        }
        return name;
    }
}
