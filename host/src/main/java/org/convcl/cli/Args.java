package org.convcl.cli;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The parsed options of one command: {@code --name value} (or {@code --name=value}) options and boolean
 * {@code --name} switches, each given at most once, in any order; there are no positional arguments. Methods take
 * names without the leading dashes. Every error is an {@link IllegalArgumentException} whose message names the flag
 * and, where the mistake is plain (a misspelt flag, a single dash), the fix.
 */
public final class Args {
    private static final Pattern ASCII_INTEGER = Pattern.compile("[+-]?[0-9]+");
    private final String command;
    private final Spec spec;
    private final Map<String, String> values;
    private final Set<String> switches;

    /**
     * The flags a command accepts.
     *
     * @param options  names that take a value
     * @param switches names that take none
     */
    public record Spec(Set<String> options, Set<String> switches) {
        public Spec {
            options = Set.copyOf(options);
            switches = Set.copyOf(switches);
        }
    }

    /** Two values along height and width, for example a stride. */
    public record Pair(int h, int w) {
        /** The same value along both axes. */
        public static Pair both(int value) {
            return new Pair(value, value);
        }
    }

    private Args(String command, Spec spec, Map<String, String> values, Set<String> switches) {
        this.command = command;
        this.spec = spec;
        this.values = values;
        this.switches = switches;
    }

    /**
     * @param command the command's name, for messages
     * @param tokens  the arguments after the command name: {@code --name value}, {@code --name=value} or
     *                {@code --switch}
     * @throws IllegalArgumentException on an unknown flag, a missing value, a repeated flag or a positional argument
     */
    public static Args parse(String command, Spec spec, List<String> tokens) {
        var values = new LinkedHashMap<String, String>();
        var switches = new HashSet<String>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (!token.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + token + "' (" + command
                        + " takes only --flags" + singleDashHint(spec, token) + "; see 'convcl " + command
                        + " --help')");
            }
            int equals = token.indexOf('=');
            String name = token.substring(2, equals < 0 ? token.length() : equals);
            String flag = "--" + name;
            boolean repeated;
            if (spec.switches().contains(name)) {
                if (equals >= 0) {
                    throw new IllegalArgumentException(flag + " takes no value (give " + flag + " alone)");
                }
                repeated = !switches.add(name);
            } else if (spec.options().contains(name)) {
                String value;
                if (equals >= 0) {
                    value = token.substring(equals + 1);
                } else if (i + 1 == tokens.size() || tokens.get(i + 1).startsWith("--")) {
                    // A following flag is a forgotten value, not a value that happens to start with dashes.
                    throw new IllegalArgumentException(flag + " needs a value");
                } else {
                    value = tokens.get(++i);
                }
                if (value.isBlank()) {
                    // An empty value is an unset variable in a script, never a choice: --device "" is not the default.
                    throw new IllegalArgumentException(flag + " needs a value, got an empty one");
                }
                repeated = values.put(name, value) != null;
            } else {
                throw new IllegalArgumentException("unknown option " + flag + " for " + command
                        + closest(spec, name).map(n -> " (did you mean --" + n + "?)").orElse("")
                        + " (see 'convcl " + command + " --help')");
            }
            if (repeated) {
                throw new IllegalArgumentException(flag + " is given more than once");
            }
        }
        return new Args(command, spec, values, switches);
    }

    /** "; flags start with two dashes: --stride" for a token such as {@code -stride}, else "". */
    private static String singleDashHint(Spec spec, String token) {
        String name = token.startsWith("-") ? token.substring(1).split("=", 2)[0] : "";
        boolean known = spec.options().contains(name) || spec.switches().contains(name);
        return known ? "; flags start with two dashes: --" + name : "";
    }

    /** The declared flag {@code name} most likely misspells ({@link DidYouMean}). */
    private static Optional<String> closest(Spec spec, String name) {
        return DidYouMean.closest(Stream.concat(spec.options().stream(), spec.switches().stream()).toList(), name);
    }

    /** The value of an option, or null when it was not given. */
    public String value(String name) {
        requireDeclared(spec.options(), name);
        return values.get(name);
    }

    /** The value of an option that must be given. */
    public String required(String name) {
        String value = value(name);
        if (value == null) {
            throw new IllegalArgumentException(command + " needs --" + name);
        }
        return value;
    }

    /** Whether a switch was given. */
    public boolean isSet(String name) {
        requireDeclared(spec.switches(), name);
        return switches.contains(name);
    }

    /** An integer option, {@code fallback} when absent. */
    public int intOr(String name, int fallback, int min) {
        String value = value(name);
        return value == null ? fallback : integer(name, value.strip(), min);
    }

    /** An option written {@code H,W}, or a single number meaning both axes; {@code fallback} on both when absent. */
    public Pair pairOr(String name, int fallback, int min) {
        String value = value(name);
        if (value == null) {
            return Pair.both(fallback);
        }
        String[] parts = value.split(",", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("--" + name + ": '" + value + "' is not N or H,W");
        }
        int h = integer(name, parts[0].strip(), min);
        return parts.length == 1 ? Pair.both(h) : new Pair(h, integer(name, parts[1].strip(), min));
    }

    /** An option written as comma-separated integers, each at least {@code min}; null when absent. */
    public int[] intsOrNull(String name, int min) {
        String value = value(name);
        if (value == null) {
            return null;
        }
        String[] parts = value.split(",", -1);
        int[] values = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = integer(name, parts[i].strip(), min);
        }
        return values;
    }

    private static int integer(String name, String text, int min) {
        // Integer.parseInt takes any Unicode digit (Arabic-Indic, Devanagari, fullwidth): only ASCII ones count here.
        if (!ASCII_INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException("--" + name + ": '" + text + "' is not an integer");
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": " + text + " is out of range, must be from " + min
                    + " to " + Integer.MAX_VALUE);
        }
        if (value < min) {
            throw new IllegalArgumentException("--" + name + ": " + value + ", must be >= " + min);
        }
        return value;
    }

    private void requireDeclared(Set<String> names, String name) {
        if (!names.contains(name)) {
            throw new IllegalStateException("--" + name + " is not declared by " + command);
        }
    }
}
