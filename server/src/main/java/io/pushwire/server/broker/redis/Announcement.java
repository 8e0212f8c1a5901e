package io.pushwire.server.broker.redis;

/**
 * What the scripts publish on a channel's pub/sub channel, parsed: an entry ({@code e} event, {@code g}
 * upstream gap) as {@code <kind><seq>|<epoch>|<frame>}, or a status change as
 * {@code s<version>|<epoch>|<1 or 0>|<frame>}. Epochs never hold a bar; frames may.
 *
 * @param kind   {@code 'e'}, {@code 'g'} or {@code 's'}
 * @param number the entry's seq, or the status's version
 * @param epoch  the channel's epoch when it was published
 * @param stale  for a status: whether the source is down
 * @param frame  the encoded frame, as clients read it
 */
record Announcement(char kind, long number, String epoch, boolean stale, String frame) {
    /** Parses a message; throws {@link IllegalArgumentException} for one the scripts did not write. */
    static Announcement parse(String message) {
        int first = message.indexOf('|');
        int second = first < 0 ? -1 : message.indexOf('|', first + 1);
        if (message.isEmpty() || second < 0) {
            throw new IllegalArgumentException("not a broker announcement: " + shorten(message));
        }
        char kind = message.charAt(0);
        long number = Long.parseLong(message, 1, first, 10);
        String epoch = message.substring(first + 1, second);
        return switch (kind) {
            case 'e', 'g' -> new Announcement(kind, number, epoch, false, message.substring(second + 1));
            case 's' -> {
                int third = message.indexOf('|', second + 1);
                if (third < 0) {
                    throw new IllegalArgumentException("a status announcement without a frame: " + shorten(message));
                }
                yield new Announcement(kind, number, epoch, message.charAt(second + 1) == '1',
                        message.substring(third + 1));
            }
            default -> throw new IllegalArgumentException("unknown announcement kind '" + kind + "': " + shorten(message));
        };
    }

    boolean isStatus() {
        return kind == 's';
    }

    private static String shorten(String message) {
        return message.length() <= 80 ? message : message.substring(0, 80) + "...";
    }
}
