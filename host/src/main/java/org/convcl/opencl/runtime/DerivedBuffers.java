package org.convcl.opencl.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Buffers a kernel derives from another buffer, such as a weight tensor's filters in the layout one algorithm reads
 * (Winograd's transformed filters, the channel lanes' filters tap by tap), kept while their source stays as it was:
 * a layer called again with the same weights reads them instead of deriving them again. On a CPU the Winograd filter
 * transform of a 3x3 layer on 512 channels writes 16 MB, a seventh of the layer's time.
 *
 * <p>An entry is keyed by its source buffer and a description of what was derived, which must name every parameter
 * of the derivation, and holds the source's {@link DeviceBuffer#version()} it was derived from: any write to the
 * source since makes it stale. Closing a source frees what was derived from it; together the entries keep
 * within {@link #MAX_ENTRIES} and a {@link #BUDGET_SHARE}th of the memory budget, the least recently used dropped
 * first, and an allocation that finds no room drops all but the newest (which the call in progress may still use).
 * A derivation larger than that share goes to a workspace, derived again on every call.
 */
public final class DerivedBuffers implements AutoCloseable {
    /** Entries kept at most: one per layer of a network, for a network of this many transformed layers. */
    static final int MAX_ENTRIES = 64;
    /** The entries take at most this fraction (1/n) of the context's memory budget. */
    static final int BUDGET_SHARE = 8;

    private final ClContext cl;
    private final String what;
    private final Workspace uncached;
    /** In access order: least recently used first. */
    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final BooleanSupplier shrink = this::shrink;
    private final Consumer<DeviceBuffer> forget = this::forget;
    private Key newest;
    private long bytes;

    /** @param what what the buffers hold, for error messages */
    public DerivedBuffers(ClContext cl, String what) {
        this.cl = cl;
        this.what = what;
        this.uncached = new Workspace(cl, what);
        cl.onMemoryShortage(shrink);
        cl.onBufferClosed(forget);
    }

    /**
     * The buffer of {@code floats} elements that {@code derive} fills from {@code source}: the one kept from an
     * earlier call where {@code source} has not been written since, else a new one, derived now (its kernel enqueued,
     * so later commands on the in-order queue read the result).
     *
     * @param derivation what {@code derive} computes, naming every parameter it depends on besides the source's data
     */
    public synchronized DeviceBuffer get(DeviceBuffer source, String derivation, long floats,
                                         Consumer<DeviceBuffer> derive) {
        var key = new Key(source, derivation);
        long version = source.version();
        var kept = entries.get(key);
        if (kept != null && kept.version == version && kept.buffer.floats() == floats) {
            newest = key;
            return kept.buffer;
        }
        if (kept != null) {
            drop(key);
        }
        long size = floats * Float.BYTES;
        long share = cl.memoryBudgetBytes() / BUDGET_SHARE;
        if (size > share) {
            var buffer = uncached.atLeast(floats);
            derive.accept(buffer);
            return buffer;
        }
        while (!entries.isEmpty() && (entries.size() >= MAX_ENTRIES || bytes + size > share)) {
            drop(entries.keySet().iterator().next());
        }
        var buffer = new DeviceBuffer(cl, what, floats);
        try {
            derive.accept(buffer);
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
        entries.put(key, new Entry(buffer, version));
        bytes += size;
        newest = key;
        return buffer;
    }

    /** Entries kept now, for tests. */
    synchronized int size() {
        return entries.size();
    }

    /** Drops every entry but the newest; whether any was dropped. */
    private synchronized boolean shrink() {
        boolean dropped = false;
        for (var key : new ArrayList<>(entries.keySet())) {
            if (!key.equals(newest)) {
                drop(key);
                dropped = true;
            }
        }
        return dropped;
    }

    /** Frees what was derived from a source that has been closed. */
    private synchronized void forget(DeviceBuffer source) {
        for (var key : new ArrayList<>(entries.keySet())) {
            if (key.source == source) {
                drop(key);
            }
        }
    }

    private void drop(Key key) {
        var entry = entries.remove(key);
        bytes -= entry.buffer.floats() * Float.BYTES;
        entry.buffer.close();
    }

    @Override
    public synchronized void close() {
        cl.removeMemoryShortageHandler(shrink);
        cl.removeBufferClosedListener(forget);
        for (var key : new ArrayList<>(entries.keySet())) {
            drop(key);
        }
        newest = null;
        uncached.close();
    }

    /** The source by identity (a buffer is never equal to another), and what was derived from it. */
    private record Key(DeviceBuffer source, String derivation) {
    }

    private record Entry(DeviceBuffer buffer, long version) {
    }
}
