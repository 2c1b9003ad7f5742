package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.convcl.cli.Main;
import org.junit.jupiter.api.Test;

/** Every command, the ones this module adds included, is listed in {@code convcl --help} and has its own help. */
class CommandListTest {
    private static final List<String> COMMANDS = List.of("devices", "conv2d", "maxpool2d", "avgpool2d", "demo",
            "bench", "jmh", "tune", "dist", "spark-example");

    private static String[] run(int expectedStatus, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String[] printed = {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        assertEquals(expectedStatus, status, printed[1]);
        return printed;
    }

    @Test
    void helpListsEveryCommandWithOneLineEach() {
        String help = run(0, "--help")[0];
        for (String command : COMMANDS) {
            var line = help.lines().filter(l -> l.startsWith("  " + command + " ")).toList();
            assertEquals(1, line.size(), command + " in:\n" + help);
            assertTrue(line.get(0).substring(2 + command.length()).strip().length() > 10, line.get(0));
        }
    }

    @Test
    void everyCommandHasItsOwnHelp() {
        for (String command : COMMANDS) {
            String usage = run(0, command, "--help")[0];
            assertTrue(usage.startsWith("usage: ") && usage.contains(command), usage);
            assertEquals(usage, run(0, "help", command)[0]);
        }
    }

    @Test
    void jmhRunOutsideTheLauncherSaysHowToRunIt() {
        String err = run(2, "jmh")[1];
        assertTrue(err.contains("./convcl jmh Conv2dBenchmark"), err);
    }
}
