package org.convcl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The options' rules, each refused in one line naming the option, and checked again when read back. */
class ConvclSparkOptionsTest {
    @Test
    void eachRuleIsRefusedNamingTheOption() {
        var o = ConvclSparkOptions.DEFAULT;
        refused("key: a column name is needed, got null", () -> o.withColumns(null, "image", "output"));
        refused("image: a column name is needed, got ' '", () -> o.withColumns("key", " ", "output"));
        refused("output: 'id' is the key column's name too", () -> o.withColumns("id", "image", "id"));
        refused("batchSize: 0, must be >= 1", () -> o.withBatchSize(0));
        refused("device: blank; give null for the executor's default device", () -> o.withDevice(""));
        var set = o.withColumns("id", "pixels", "features").withBatchSize(7).withDevice("gpu*")
                .withReferenceFallback(true);
        assertEquals(new ConvclSparkOptions("id", "pixels", "features", 7, "gpu*", true), set);
    }

    /** Bytes from elsewhere with a batch size of 0 written in: the record's checks run as it is read. */
    @Test
    void aSerializedCopyIsCheckedAgainWhenReadBack() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(ConvclSparkOptions.DEFAULT.withBatchSize(0x5A5A5A5A));
        }
        byte[] tampered = bytes.toByteArray();
        byte[] marker = {0x5A, 0x5A, 0x5A, 0x5A};
        int at = indexOf(tampered, marker);
        Arrays.fill(tampered, at, at + 4, (byte) 0);
        var e = assertThrows(InvalidObjectException.class,
                () -> new ObjectInputStream(new ByteArrayInputStream(tampered)).readObject());
        assertEquals("batchSize: 0, must be >= 1", e.getCause().getMessage(),
                new String(tampered, StandardCharsets.ISO_8859_1));
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("the batch size is not in the serialized form");
    }

    private static void refused(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
