package io.scalinglab.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.testing.BadInput;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command-line parser: flags in both spellings, and one table of mistakes, each a usage error
 * (exit status 2, before any job starts) whose message names the flag, the problem and the fix.
 */
class ArgsTest {
  static final Set<String> VALUES = Set.of("--config", "--set", "--store");
  static final Set<String> SWITCHES = Set.of("--help");

  @Test
  void repeatableValuesBothSpellings() {
    Args a =
        Args.parse(
            "prepare",
            new String[] {"--config", "a.conf", "--set=x=1", "--set", "y=2", "-h"},
            VALUES,
            SWITCHES);
    assertEquals(List.of("a.conf"), a.all("--config"));
    assertEquals(List.of("x=1", "y=2"), a.all("--set"));
    assertTrue(a.has("--help"));
  }

  static Stream<BadInput> mistakes() {
    return Stream.of(
        new BadInput(
            "misspelt flag",
            parse("prepare", "--confg", "a"),
            "--confg",
            "unknown flag --confg for 'prepare'",
            "did you mean --config?"),
        new BadInput(
            "flag with no near match",
            parse("prepare", "--verbose"),
            "--verbose",
            "unknown flag",
            "See: scalinglab prepare --help"),
        new BadInput(
            "spelled-out flag whose initials match",
            parse("bench", "--maximum-threads", "2"),
            "--maximum-threads",
            "unknown flag",
            "did you mean --max-threads?"),
        new BadInput(
            "missing value",
            parse("prepare", "--store"),
            "--store",
            "needs a value",
            "See: scalinglab prepare --help"),
        new BadInput(
            "switch given a value",
            parse("prepare", "--help=yes"),
            "--help",
            "takes no value, got 'yes'",
            "write --help alone"),
        new BadInput(
            "not a whole number",
            integer("zero"),
            "--repeats",
            "'zero' in --repeats is invalid: expected a whole number",
            "See: scalinglab bench --help"),
        new BadInput(
            "below the minimum",
            integer("0"),
            "--repeats",
            "must be >= 1",
            "See: scalinglab bench --help"),
        new BadInput(
            "misspelt command",
            () -> {
              throw Args.unknownCommand("prepair", List.of("prepare", "sweep", "help"));
            },
            "prepair",
            "unknown command",
            "did you mean prepare?"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void mistakeIsAUsageErrorNamingTheFlagTheProblemAndTheFix(BadInput c) {
    c.refusedWith(UsageException.class);
  }

  static Executable parse(String command, String... argv) {
    Set<String> values = new java.util.HashSet<>(VALUES);
    values.addAll(Set.of("--max-threads", "--repeats"));
    return () -> Args.parse(command, argv, values, SWITCHES);
  }

  static Executable integer(String value) {
    return () ->
        Args.parse("bench", new String[] {"--repeats", value}, Set.of("--repeats"), SWITCHES)
            .getInt("--repeats", 3, 1);
  }

  @Test
  void integerFlagsFallBackToTheirDefault() {
    Args a =
        Args.parse("bench", new String[] {"--set", "x"}, Set.of("--set", "--repeats"), SWITCHES);
    assertEquals(3, a.getInt("--repeats", 3, 1));
  }

  @Test
  void shortcutFlagsBecomeQuotedOverrides() {
    Args a =
        Args.parse(
            "prepare",
            new String[] {
              "--store",
              "hdfs://nn:8020/x",
              "--master",
              "local[2]",
              "--conf",
              "spark.executor.memory=4g"
            },
            JobOptions.WITH_VALUE,
            JobOptions.SWITCHES);
    assertEquals(
        List.of(
            "store.root=\"hdfs://nn:8020/x\"",
            "spark.master=\"local[2]\"",
            "spark.conf.\"spark.executor.memory\"=\"4g\""),
        JobOptions.overrides(a));
  }
}
