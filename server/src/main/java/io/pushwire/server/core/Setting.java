package io.pushwire.server.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One configuration key, defined once: its name, its default, what a value must be, and one line on
 * what it does. Plain Java: the core and the feeds take their defaults and checks from here, the
 * framework edge reads each key from MicroProfile Config, and a test holds the README's configuration
 * table to the same keys and defaults.
 *
 * <p>A key may hold a placeholder in angle brackets for a name, as in
 * {@code pushwire.feeds.<exchange>.enabled}; {@link #key(String)} fills it in.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {
    /** Numbers greater than zero. */
    public static final Check<Number> POSITIVE = (key, value) -> {
        if (value.doubleValue() <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    };
    private static final Check<Object> ANY = (key, value) -> { };

    private final String key;
    private final T defaultValue;
    private final String defaultText;
    private final Check<? super T> check;
    private final String doc;

    private Setting(String key, T defaultValue, String defaultText, Check<? super T> check, String doc) {
        this.key = Objects.requireNonNull(key, "key");
        this.defaultValue = defaultValue;
        this.defaultText = Objects.requireNonNull(defaultText, "defaultText");
        this.check = Objects.requireNonNull(check, "check");
        this.doc = Objects.requireNonNull(doc, "doc");
    }

    /** A setting that takes {@code defaultValue} when it is not configured. */
    public static <T> Setting<T> of(String key, T defaultValue, String doc) {
        return new Setting<>(key, Objects.requireNonNull(defaultValue, "defaultValue"), text(defaultValue), ANY,
                doc);
    }

    /** A whole number greater than zero. */
    public static Setting<Long> positive(String key, long defaultValue, String doc) {
        return of(key, defaultValue, doc).checkedBy(POSITIVE);
    }

    /** A setting with no default: unset, it is off or absent. */
    public static <T> Setting<T> optional(String key, String doc) {
        return new Setting<>(key, null, "none", ANY, doc);
    }

    /**
     * A setting whose default is not one value written here: drawn at startup, different per name, or
     * decided by the class that applies the setting. {@code defaultValue} is what stands for it (null, or
     * a marker such as -1), and {@code defaultText} says what it is.
     */
    public static <T> Setting<T> computed(String key, T defaultValue, String defaultText, String doc) {
        return new Setting<>(key, defaultValue, defaultText, ANY, doc);
    }

    /** This setting, with {@code check} applied to every value, the default's included. */
    public Setting<T> checkedBy(Check<? super T> check) {
        return new Setting<>(key, defaultValue, defaultText, check, doc);
    }

    /** The key, placeholder and all. */
    public String key() {
        return key;
    }

    /** The key with its placeholder filled in with {@code name}. */
    public String key(String name) {
        int open = key.indexOf('<');
        if (open < 0) {
            throw new IllegalStateException(key + " has no placeholder for a name");
        }
        return key.substring(0, open) + name + key.substring(key.indexOf('>', open) + 1);
    }

    /** The name that fills the placeholder in {@code configured}, if that is a key of this setting. */
    public Optional<String> nameIn(String configured) {
        int open = key.indexOf('<');
        if (open < 0) {
            return Optional.empty();
        }
        String prefix = key.substring(0, open);
        String suffix = key.substring(key.indexOf('>', open) + 1);
        if (!configured.startsWith(prefix) || !configured.endsWith(suffix)
                || configured.length() <= prefix.length() + suffix.length()) {
            return Optional.empty();
        }
        return Optional.of(configured.substring(prefix.length(), configured.length() - suffix.length()));
    }

    /** The value when none is configured; null for a setting without one (see {@link #defaultText}). */
    public T defaultValue() {
        return defaultValue;
    }

    /** The default as the README's configuration table writes it: {@code 5000}, {@code none}, {@code random}... */
    public String defaultText() {
        return defaultText;
    }

    /** What the setting does, in one line. */
    public String doc() {
        return doc;
    }

    /** Returns {@code value} if this setting takes it, else throws {@link IllegalArgumentException} naming the key. */
    public T check(T value) {
        check.check(key, value);
        return value;
    }

    /** {@link #check(Object)} for the key of {@code name}. */
    public T check(String name, T value) {
        check.check(key(name), value);
        return value;
    }

    @Override
    public String toString() {
        return key;
    }

    private static String text(Object value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Double number && number == Math.rint(number)) {
            return Long.toString(number.longValue());
        }
        return String.valueOf(value);
    }

    /** What a value must be. */
    @FunctionalInterface
    public interface Check<T> {
        /** Throws {@link IllegalArgumentException}, naming {@code key}, for a value the setting refuses. */
        void check(String key, T value);
    }
}
