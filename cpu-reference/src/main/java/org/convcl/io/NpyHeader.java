package org.convcl.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The header of a NumPy {@code .npy} file: a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}.
 *
 * @param descr        the dtype string, for example {@code <f4} (little-endian float32)
 * @param fortranOrder true when the data is stored column-major
 * @param shape        the extents, each {@code >= 0}; empty for a 0-d array
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
    private static final int ALIGNMENT = 64;
    /** numpy's {@code GROWTH_AXIS_MAX_DIGITS}: spare room so the first extent can grow in place. */
    private static final int GROWTH_DIGITS = 21;

    /**
     * Parses the dict text that follows the length field.
     *
     * @throws IllegalArgumentException stating the rule the text breaks
     */
    static NpyHeader parse(String text) {
        Object value = new Literal(text).whole();
        if (!(value instanceof Map<?, ?> dict)) {
            throw new IllegalArgumentException("malformed header: not a dict");
        }
        for (Object key : dict.keySet()) {
            if (!(key instanceof String) || !KEYS.contains(key)) {
                throw new IllegalArgumentException("malformed header: unexpected key '" + key + "'");
            }
        }
        for (String key : KEYS) {
            if (!dict.containsKey(key)) {
                throw new IllegalArgumentException("malformed header: no '" + key + "' key");
            }
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new IllegalArgumentException("dtype is structured (a list of fields), float32 ('<f4') is needed");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortranOrder)) {
            throw new IllegalArgumentException("malformed header: 'fortran_order' is not True or False");
        }
        return new NpyHeader(descr, fortranOrder, shapeOf(dict.get("shape")));
    }

    private static int[] shapeOf(Object value) {
        if (!(value instanceof Tuple tuple)) {
            throw new IllegalArgumentException("malformed header: 'shape' is not a tuple");
        }
        int[] shape = new int[tuple.items().size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(tuple.items().get(i) instanceof Long extent) || extent < 0 || extent > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("malformed header: shape entry " + tuple.items().get(i)
                        + " is not an integer from 0 to " + Integer.MAX_VALUE);
            }
            shape[i] = extent.intValue();
        }
        return shape;
    }

    /** The shape as Python writes a tuple: {@code (2, 3)}, {@code (5,)}, {@code ()}. */
    String shapeText() {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        var joiner = new StringJoiner(", ", "(", ")");
        for (int extent : shape) {
            joiner.add(Integer.toString(extent));
        }
        return joiner.toString();
    }

    /**
     * The header text exactly as numpy writes it: the dict, room for the first extent to grow, then spaces and a
     * newline so that {@code prefixLength} plus the text is a multiple of 64 bytes.
     *
     * @param prefixLength bytes before the text: magic, version and length field
     */
    String format(int prefixLength) {
        var text = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': ")
                .append(fortranOrder ? "True" : "False").append(", 'shape': ").append(shapeText()).append(", }");
        if (shape.length > 0) {
            int growthAxis = fortranOrder ? shape.length - 1 : 0;
            text.append(" ".repeat(GROWTH_DIGITS - Integer.toString(shape[growthAxis]).length()));
        }
        int padding = ALIGNMENT - (prefixLength + text.length() + 1) % ALIGNMENT;
        return text.append(" ".repeat(padding)).append('\n').toString();
    }

    /** A Python tuple, told apart from a list because numpy requires the shape to be a tuple. */
    private record Tuple(List<Object> items) {
    }

    /**
     * The subset of Python literals numpy headers use: dicts, tuples, lists, strings, integers, True, False, None.
     * Values become {@link Map}, {@link Tuple}, {@link List}, {@link String}, {@link Long}, {@link Boolean}, null.
     */
    private static final class Literal {
        private static final int MAX_SHOWN = 100;
        /** Deeper than any dtype numpy writes; the bound keeps a hostile header from overflowing the stack. */
        private static final int MAX_DEPTH = 32;
        private final String text;
        private int pos;
        private int depth;

        Literal(String text) {
            this.text = text;
        }

        Object whole() {
            Object value = value();
            skipSpace();
            if (pos < text.length()) {
                throw error("unexpected '" + text.charAt(pos) + "' after the dict");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (pos >= text.length()) {
                throw error("the text ends early");
            }
            char c = text.charAt(pos);
            if (c == '{' || c == '(' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw error("brackets nested more than " + MAX_DEPTH + " deep");
                }
                Object nested = c == '{' ? dict() : sequence(c);
                depth--;
                return nested;
            }
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '-' || Character.isDigit(c)) {
                return integer();
            }
            return word();
        }

        private Map<Object, Object> dict() {
            var dict = new LinkedHashMap<>();
            pos++;
            while (!closes('}')) {
                Object key = value();
                expect(':');
                if (dict.containsKey(key)) {
                    throw error("key '" + key + "' appears twice");
                }
                dict.put(key, value());
                separator('}');
            }
            return dict;
        }

        /** A list, a tuple, or a parenthesised value: {@code (5)} is the integer 5 in Python, {@code (5,)} a tuple. */
        private Object sequence(char open) {
            char close = open == '(' ? ')' : ']';
            var items = new ArrayList<>();
            boolean comma = false;
            pos++;
            while (!closes(close)) {
                items.add(value());
                comma = separator(close);
            }
            if (open == '[') {
                return items;
            }
            return items.size() == 1 && !comma ? items.get(0) : new Tuple(items);
        }

        private String string() {
            char quote = text.charAt(pos++);
            var s = new StringBuilder();
            while (pos < text.length() && text.charAt(pos) != quote) {
                s.append(text.charAt(pos++));
            }
            if (pos >= text.length()) {
                throw error("a string is not closed");
            }
            pos++;
            return s.toString();
        }

        private Long integer() {
            int start = pos;
            if (text.charAt(pos) == '-') {
                pos++;
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            String digits = text.substring(start, pos);
            // Python 2 wrote long extents with a suffix, as in (2L, 3L); numpy still reads such files.
            if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) {
                pos++;
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error("'" + digits + "' is not an integer that fits 64 bits");
            }
        }

        private Object word() {
            int start = pos;
            while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
                pos++;
            }
            return switch (text.substring(start, pos)) {
                case "True" -> Boolean.TRUE;
                case "False" -> Boolean.FALSE;
                case "None" -> null;
                default -> {
                    pos = start;
                    throw error("unexpected '" + text.charAt(start) + "'");
                }
            };
        }

        /** Skips white space and consumes {@code close} when it comes next. */
        private boolean closes(char close) {
            skipSpace();
            if (pos >= text.length()) {
                throw error("'" + close + "' is missing");
            }
            if (text.charAt(pos) == close) {
                pos++;
                return true;
            }
            return false;
        }

        /** Consumes the comma after an item and says whether there was one; the closing bracket may come instead. */
        private boolean separator(char close) {
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                return true;
            }
            if (pos < text.length() && text.charAt(pos) == close) {
                return false;
            }
            throw error("',' or '" + close + "' expected");
        }

        private void expect(char c) {
            skipSpace();
            if (pos >= text.length() || text.charAt(pos) != c) {
                throw error("'" + c + "' expected");
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private IllegalArgumentException error(String rule) {
            String shown = text.strip();
            if (shown.length() > MAX_SHOWN) {
                shown = shown.substring(0, MAX_SHOWN) + "...";
            }
            return new IllegalArgumentException("malformed header: " + rule + " at character " + pos + " of "
                    + shown);
        }
    }
}
