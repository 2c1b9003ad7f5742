package org.convcl.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProgramTest {

    @Test
    void eachPartFollowsItsLineMarkerInOrder() {
        for (var program : Program.values()) {
            String source = program.source();
            int at = -1;
            for (String part : program.parts()) {
                int marker = source.indexOf("#line 1 \"" + part + ".cl\"\n");
                assertTrue(marker > at, program + ": " + part);
                assertTrue(source.startsWith(KernelSources.load(part), source.indexOf('\n', marker) + 1),
                        program + ": " + part);
                at = marker;
            }
        }
    }

    @Test
    void ownPartsNameDistinctPrograms() {
        Set<String> own = Arrays.stream(Program.values()).map(Program::ownPart).collect(Collectors.toSet());
        assertEquals(Program.values().length, own.size());
        assertEquals("vectors.cl + conv_gather.cl + epilogue.cl + sgemm_arguments.cl + sgemm_blocked.cl",
                Program.SGEMM_BLOCKED.files());
    }
}
