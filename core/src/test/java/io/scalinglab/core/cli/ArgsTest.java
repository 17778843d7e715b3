package io.scalinglab.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

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

  @Test
  void unknownFlagSuggestsTheClosest() {
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> Args.parse("prepare", new String[] {"--confg", "a"}, VALUES, SWITCHES));
    assertTrue(e.getMessage().contains("unknown flag --confg"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean --config?"), e.getMessage());
  }

  @Test
  void missingValueNamesTheFlag() {
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> Args.parse("prepare", new String[] {"--store"}, VALUES, SWITCHES));
    assertTrue(e.getMessage().contains("--store needs a value"), e.getMessage());
  }

  @Test
  void integerFlagsAreChecked() {
    Args a =
        Args.parse("bench", new String[] {"--set", "x"}, Set.of("--set", "--repeats"), SWITCHES);
    assertEquals(3, a.getInt("--repeats", 3, 1));
    Args bad =
        Args.parse("bench", new String[] {"--repeats", "zero"}, Set.of("--repeats"), SWITCHES);
    UsageException e = assertThrows(UsageException.class, () -> bad.getInt("--repeats", 3, 1));
    assertTrue(e.getMessage().contains("'zero' in --repeats is invalid"), e.getMessage());
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
