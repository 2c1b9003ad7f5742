package org.convcl.opencl.tuning;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A properties file read one logical line at a time, so that a damaged line (a malformed {@code \\uxxxx} escape,
 * bytes that are not UTF-8) costs only its own entry: {@link Properties#load} gives up on the whole file at the
 * first. Repeated keys are all kept, in file order, for the caller to choose among, and {@link #format} writes
 * entries back one by one, so that repeats survive a rewrite too.
 */
final class PropertiesLines {
    /** The most characters of a damaged line's key shown in a message. */
    private static final int MAX_KEY_SHOWN = 120;

    /** One entry and the line it starts on, counting from 1. */
    record Entry(int line, String key, String value) {
    }

    /** A line that could not be read, what its key seems to be, and why. */
    record Damage(int line, String key, String reason) {
    }

    /** Everything read from a file. */
    record Contents(List<Entry> entries, List<Damage> damage) {
    }

    private PropertiesLines() {
    }

    static Contents parse(byte[] bytes) {
        var contents = new Contents(new ArrayList<>(), new ArrayList<>());
        var pending = new StringBuilder();
        int first = 0;
        int line = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            line++;
            try {
                String text = UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
                if (pending.isEmpty()) {
                    first = line;
                }
                pending.append(text).append('\n');
                if (!continues(text)) {
                    load(pending.toString(), first, contents);
                    pending.setLength(0);
                }
            } catch (CharacterCodingException e) {
                // The line and any it continued are lost together; the next line starts afresh.
                String shown = pending + new String(bytes, start, end - start, UTF_8);
                contents.damage().add(new Damage(pending.isEmpty() ? line : first, keyOf(shown), "not UTF-8"));
                pending.setLength(0);
            }
            start = end + 1;
        }
        if (!pending.isEmpty()) {
            load(pending.toString(), first, contents);
        }
        return contents;
    }

    /** One entry as a line of a properties file, escaped as {@link Properties#store} escapes it. */
    static String format(String key, String value) {
        var p = new Properties();
        p.setProperty(key, value);
        var out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a string cannot fail", e);
        }
        String text = out.toString();
        // After the line of the date, which store always writes first.
        return text.substring(text.indexOf('\n') + 1);
    }

    /** Whether a line goes on to the next: an odd number of backslashes at its end, outside a comment. */
    private static boolean continues(String text) {
        String line = text.stripLeading();
        if (line.startsWith("#") || line.startsWith("!")) {
            return false;
        }
        int end = line.endsWith("\r") ? line.length() - 1 : line.length();
        int backslashes = 0;
        while (backslashes < end && line.charAt(end - 1 - backslashes) == '\\') {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static void load(String logicalLine, int line, Contents into) {
        var p = new Properties();
        try {
            p.load(new StringReader(logicalLine));
        } catch (IllegalArgumentException e) {
            into.damage().add(new Damage(line, keyOf(logicalLine), e.getMessage()));
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        for (String key : p.stringPropertyNames()) {
            into.entries().add(new Entry(line, key, p.getProperty(key)));
        }
    }

    /** The key a line seems to have, for messages: up to the first unescaped separator, control characters shown. */
    private static String keyOf(String text) {
        var key = new StringBuilder();
        String t = text.stripLeading();
        for (int i = 0; i < t.length() && key.length() < MAX_KEY_SHOWN; i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length()) {
                c = t.charAt(++i);
            } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            }
            key.append(Character.isISOControl(c) ? String.format("\\x%02x", (int) c) : Character.toString(c));
        }
        return key.toString();
    }
}
