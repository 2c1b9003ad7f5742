package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.convcl.Conv2dParams;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private static final Args.Spec SPEC = new Args.Spec(Set.of("input", "stride", "groups"), Set.of("verify"));

    private static Args parse(String... tokens) {
        return Args.parse("conv2d", SPEC, List.of(tokens));
    }

    private static void assertError(String expected, Runnable call) {
        var e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' in: " + e.getMessage());
    }

    @Test
    void optionsAndSwitchesInAnyOrder() {
        var args = parse("--verify", "--input", "x.npy", "--groups", "2");
        assertEquals("x.npy", args.value("input"));
        assertEquals("x.npy", args.required("input"));
        assertTrue(args.isSet("verify"));
        assertEquals(2, args.intOr("groups", 1, 1));
        assertNull(args.value("stride"));
    }

    @Test
    void nameEqualsValueIsTheSameAsNameThenValue() {
        var args = parse("--input=x.npy", "--stride=2,1", "--verify", "--groups", "2");
        assertEquals("x.npy", args.value("input"));
        assertEquals(new Args.Pair(2, 1), args.pairOr("stride", 1, 1));
        assertEquals(2, args.intOr("groups", 1, 1));
        assertTrue(args.isSet("verify"));
        // Only the first '=' splits: a value may hold one, as a file name may.
        assertEquals("a=b.npy", parse("--input=a=b.npy").value("input"));
        assertEquals("--odd.npy", parse("--input=--odd.npy").value("input"));
    }

    @Test
    void nameEqualsValueErrorsNameTheFlag() {
        assertError("--input needs a value", () -> parse("--input="));
        assertError("--verify takes no value (give --verify alone)", () -> parse("--verify=true"));
        assertError("--input is given more than once", () -> parse("--input=a", "--input", "b"));
        assertError("unknown option --strides for conv2d", () -> parse("--strides=2"));
    }

    @Test
    void misspeltFlagsSuggestTheDeclaredOne() {
        assertError("unknown option --strde for conv2d (did you mean --stride?)", () -> parse("--strde", "2"));
        assertError("(did you mean --groups?)", () -> parse("--group", "2"));
        assertError("(did you mean --input?)", () -> parse("--in", "x.npy"));
        assertError("(did you mean --verify?)", () -> parse("--verfy"));
        var e = assertThrows(IllegalArgumentException.class, () -> parse("--output", "y.npy"));
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
        assertError("conv2d takes only --flags; flags start with two dashes: --stride",
                () -> parse("-stride", "2"));
    }

    @Test
    void absentValuesTakeTheFallback() {
        var args = parse();
        assertFalse(args.isSet("verify"));
        assertEquals(1, args.intOr("groups", 1, 1));
        assertEquals(new Args.Pair(0, 0), args.pairOr("stride", 0, 0));
    }

    @Test
    void pairIsOneNumberForBothAxesOrTwo() {
        assertEquals(new Args.Pair(3, 3), parse("--stride", "3").pairOr("stride", 1, 1));
        assertEquals(new Args.Pair(2, 5), parse("--stride", "2,5").pairOr("stride", 1, 1));
        assertEquals(new Args.Pair(2, 5), parse("--stride", " 2 , 5 ").pairOr("stride", 1, 1));
    }

    @Test
    void badNumbersNameTheFlag() {
        assertError("--stride: 'a' is not an integer", () -> parse("--stride", "a,2").pairOr("stride", 1, 1));
        assertError("--stride: '' is not an integer", () -> parse("--stride", "2,").pairOr("stride", 1, 1));
        assertError("--stride: '1,2,3' is not N or H,W", () -> parse("--stride", "1,2,3").pairOr("stride", 1, 1));
        assertError("--stride: 0, must be >= 1", () -> parse("--stride", "1,0").pairOr("stride", 1, 1));
        assertError("--groups: 'two' is not an integer", () -> parse("--groups", "two").intOr("groups", 1, 1));
        assertError("--groups: 99999999999 is out of range, must be from 1 to 2147483647",
                () -> parse("--groups", "99999999999").intOr("groups", 1, 1));
        // Integer.parseInt reads these as 1, 12 and 3; only ASCII digits are numbers on a command line.
        assertError("--stride: '\u0661' is not an integer", () -> parse("--stride", "\u0661").pairOr("stride", 1, 1));
        assertError("--groups: '1\u0662' is not an integer", () -> parse("--groups", "1\u0662").intOr("groups", 1, 1));
        assertError("--stride: '\uff13' is not an integer", () -> parse("--stride", "2,\uff13").pairOr("stride", 1, 1));
        // A single dash is a negative number, not a flag, so the limit is what rejects it.
        assertError("--groups: -1, must be >= 1", () -> parse("--groups", "-1").intOr("groups", 1, 1));
    }

    @Test
    void parseErrorsNameTheFlag() {
        assertError("unknown option --strides for conv2d", () -> parse("--strides", "2"));
        assertError("--input needs a value", () -> parse("--input"));
        assertError("--input needs a value", () -> parse("--input", "--verify"));
        assertError("--input needs a value, got an empty one", () -> parse("--input", ""));
        assertError("--input needs a value, got an empty one", () -> parse("--input", " "));
        assertError("--input needs a value, got an empty one", () -> parse("--input="));
        assertError("--input is given more than once", () -> parse("--input", "a", "--input", "b"));
        assertError("--verify is given more than once", () -> parse("--verify", "--verify"));
        assertError("unexpected argument 'x.npy'", () -> parse("x.npy"));
        assertError("conv2d needs --input", () -> parse().required("input"));
    }

    @Test
    void askingForAnUndeclaredFlagIsABug() {
        assertThrows(IllegalStateException.class, () -> parse().value("output"));
        assertThrows(IllegalStateException.class, () -> parse().isSet("input"));
    }

    @Test
    void conv2dFlagsBecomeParams() {
        var spec = new Args.Spec(Flags.withConv2dOptions(), Set.of());
        var args = Args.parse("conv2d", spec, List.of("--stride", "2,1", "--padding", "3", "--dilation", "1,2",
                "--groups", "4"));
        assertEquals(new Conv2dParams(2, 1, 3, 3, 1, 2, 4), Flags.conv2dParams(args));
        assertEquals(Conv2dParams.DEFAULT, Flags.conv2dParams(Args.parse("conv2d", spec, List.of())));
        assertError("--padding: -1, must be >= 0",
                () -> Flags.conv2dParams(Args.parse("conv2d", spec, List.of("--padding", "-1"))));
    }
}
