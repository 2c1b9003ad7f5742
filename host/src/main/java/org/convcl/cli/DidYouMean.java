package org.convcl.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** The name a mistyped flag or command most likely meant, for the refusal's "did you mean" suggestion. */
final class DidYouMean {
    private DidYouMean() {
    }

    /**
     * The known name {@code name} most likely misspells: a third of its letters or fewer changed (at least one), or
     * the start of it.
     *
     * @return the closest such name, ties in alphabetical order; empty when none is that close
     */
    static Optional<String> closest(Collection<String> known, String name) {
        int edits = Math.max(1, name.length() / 3);
        return known.stream()
                .filter(k -> (name.length() >= 2 && k.startsWith(name)) || editDistance(k, name) <= edits)
                .min(Comparator.comparingInt((String k) -> editDistance(k, name))
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
