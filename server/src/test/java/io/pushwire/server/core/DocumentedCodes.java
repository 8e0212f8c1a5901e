package io.pushwire.server.core;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The close and error codes clients are told about, read from {@code docs/PROTOCOL.md} (the close-code
 * table and the error-code section) and checked against {@link CloseCode} and {@link ErrorCode}, so that
 * a test asserting "only documented codes" fails when either side gains a code the other lacks.
 */
final class DocumentedCodes {
    private static final Path PROTOCOL_MD = Path.of("..", "docs", "PROTOCOL.md");
    /** A row of the close-code table: {@code | 4000 | ...} or {@code | 1000 / 1001 | ...}. */
    private static final Pattern CLOSE_ROW = Pattern.compile("(?m)^\\| (\\d{4}(?: / \\d{4})*) \\|");

    private DocumentedCodes() {
    }

    /** Close codes of the table in PROTOCOL.md; each {@link CloseCode} constant must be among them. */
    static Set<Integer> closeCodes() {
        Set<Integer> documented = new TreeSet<>();
        Matcher row = CLOSE_ROW.matcher(section("### Close codes"));
        while (row.find()) {
            for (String code : row.group(1).split(" / ")) {
                documented.add(Integer.parseInt(code));
            }
        }
        Set<Integer> constants = new TreeSet<>();
        for (Object value : constants(CloseCode.class)) {
            constants.add((Integer) value);
        }
        if (!documented.equals(constants)) {
            throw new AssertionError("PROTOCOL.md documents close codes " + documented + ", CloseCode has " + constants);
        }
        return documented;
    }

    /** The {@link ErrorCode} constants, each of which PROTOCOL.md's error-code section must name. */
    static Set<String> errorCodes() {
        String text = section("### Error codes");
        Set<String> codes = new TreeSet<>();
        for (Object value : constants(ErrorCode.class)) {
            String code = (String) value;
            if (!text.contains("`" + code + "`")) {
                throw new AssertionError("PROTOCOL.md's error codes do not mention '" + code + "'");
            }
            codes.add(code);
        }
        return codes;
    }

    /** The text from {@code heading} to the next heading of any level. */
    private static String section(String heading) {
        String doc;
        try {
            doc = Files.readString(PROTOCOL_MD);
        } catch (IOException e) {
            throw new UncheckedIOException("tests run from the server module, beside ../docs", e);
        }
        int start = doc.indexOf("\n" + heading + "\n");
        if (start < 0) {
            throw new AssertionError("PROTOCOL.md has no section '" + heading + "'");
        }
        int end = doc.indexOf("\n#", start + heading.length() + 2);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    private static Set<Object> constants(Class<?> holder) {
        Set<Object> values = new java.util.HashSet<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                try {
                    values.add(field.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return values;
    }
}
