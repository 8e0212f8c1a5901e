package io.pushwire.server.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sections and tables of this repository's Markdown documents, for tests that hold the documents to the
 * code (the README's configuration table, OPERATIONS.md's metrics reference).
 */
public final class Markdown {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern SEPARATOR = Pattern.compile("\\|(\\s*:?-+:?\\s*\\|)+");

    private Markdown() {
    }

    /**
     * The lines under {@code heading} (a whole line, such as {@code ## Configuration}) of {@code document},
     * a path from the repository's root, up to the next heading of the same or a higher level.
     */
    public static List<String> section(String document, String heading) {
        List<String> lines = read(Path.of("..").resolve(document));
        int start = lines.indexOf(heading);
        if (start < 0) {
            throw new AssertionError(document + " has no heading '" + heading + "'");
        }
        int end = start + 1;
        while (end < lines.size() && !(level(lines.get(end)) > 0 && level(lines.get(end)) <= level(heading))) {
            end++;
        }
        return lines.subList(start + 1, end);
    }

    /** The rows of the first table in {@link #section}, without its header, each as its cells, trimmed. */
    public static List<List<String>> table(String document, String heading) {
        List<List<String>> rows = new ArrayList<>();
        boolean header = true;
        for (String line : section(document, heading)) {
            String row = line.trim();
            if (!row.startsWith("|")) {
                if (!rows.isEmpty()) {
                    break;
                }
                continue;
            }
            if (header || SEPARATOR.matcher(row).matches()) {
                header = false;
                continue;
            }
            rows.add(Arrays.stream(row.substring(1, row.length() - 1).split("\\|", -1)).map(String::trim).toList());
        }
        if (rows.isEmpty()) {
            throw new AssertionError(document + " has no table under '" + heading + "'");
        }
        return rows;
    }

    /** What {@code text} writes as code ({@code `...`}), in order. */
    public static List<String> code(String text) {
        List<String> spans = new ArrayList<>();
        Matcher code = CODE.matcher(text);
        while (code.find()) {
            spans.add(code.group(1));
        }
        return spans;
    }

    /** 2 for {@code ## Heading}; 0 for a line that is not a heading. */
    private static int level(String line) {
        int hashes = 0;
        while (hashes < line.length() && line.charAt(hashes) == '#') {
            hashes++;
        }
        return hashes > 0 && line.startsWith(" ", hashes) ? hashes : 0;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
