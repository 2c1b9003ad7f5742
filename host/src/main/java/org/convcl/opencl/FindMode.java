package org.convcl.opencl;

import java.util.Locale;

/**
 * Whether conv2d's algorithm is chosen by timing (find mode, as MIOpen's): the first call of a problem (shapes,
 * parameters, device and driver) times every algorithm that can run it and stores the fastest beside the tuning
 * cache, in {@code find.tsv}; later calls and later processes plan the stored one without timing. Where nothing is
 * stored, the device class's thresholds decide.
 * <p>Immutable, so thread-safe.
 */
public enum FindMode {
    /** The thresholds alone; the database is neither read nor written. */
    OFF,
    /** Stored results where there are any, the thresholds elsewhere; nothing is timed. The default. */
    STORED,
    /** Stored results, and problems without one are timed on their first call and stored. */
    ON;

    /**
     * The mode {@code CONVCL_FIND} names ({@code off}, {@code stored} or {@code on}, any case), {@link #STORED}
     * without it.
     *
     * @return the mode
     * @throws IllegalArgumentException naming the variable and its values when it holds anything else
     */
    public static FindMode fromEnvironment() {
        return parse("CONVCL_FIND", System.getenv("CONVCL_FIND"));
    }

    /**
     * The mode a flag or variable names; null or blank is {@link #STORED}.
     *
     * @param what  the flag or variable, for the message
     * @param value its value, or null
     * @return the mode
     * @throws IllegalArgumentException naming {@code what} and the values it takes
     */
    public static FindMode parse(String what, String value) {
        if (value == null || value.isBlank()) {
            return STORED;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": '" + value + "', must be off, stored or on");
        }
    }
}
