package io.scalinglab.core.cli;

import io.scalinglab.core.config.Closest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one subcommand: {@code --name value}, {@code --name=value}, repeatable flags and
 * switches. An unknown flag fails with the closest known one, so {@code --confg} says {@code did
 * you mean --config?}.
 */
public final class Args {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();
  private final String command;

  private Args(String command) {
    this.command = command;
  }

  /**
   * Parses {@code argv} against the known flags.
   *
   * @param command the subcommand, for messages
   * @param withValue flags that take a value (may repeat)
   * @param switches flags without a value
   */
  public static Args parse(
      String command, String[] argv, Set<String> withValue, Set<String> switches) {
    Args a = new Args(command);
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (!arg.startsWith("--") || arg.equals("--")) {
        if (arg.equals("-h")) {
          a.values.computeIfAbsent("--help", k -> new ArrayList<>()).add("true");
          continue;
        }
        a.positional.add(arg);
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (switches.contains(name)) {
        if (value != null) {
          throw new UsageException(
              name
                  + " takes no value, got '"
                  + value
                  + "': write "
                  + name
                  + " alone. See: scalinglab "
                  + command
                  + " --help");
        }
        a.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else if (withValue.contains(name)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new UsageException(
                name + " needs a value. See: scalinglab " + command + " --help");
          }
          value = argv[++i];
        }
        a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        List<String> known = new ArrayList<>(withValue);
        known.addAll(switches);
        String hint = closest(name, known);
        throw new UsageException(
            "unknown flag "
                + name
                + " for '"
                + command
                + "'"
                + (hint.isEmpty() ? "." : hint)
                + " See: scalinglab "
                + command
                + " --help");
      }
    }
    return a;
  }

  public boolean has(String flag) {
    return values.containsKey(flag);
  }

  /** The last value of a flag, or {@code fallback}. */
  public String get(String flag, String fallback) {
    List<String> v = values.get(flag);
    return v == null ? fallback : v.get(v.size() - 1);
  }

  /** Every value of a repeatable flag, in order. */
  public List<String> all(String flag) {
    return values.getOrDefault(flag, List.of());
  }

  public List<String> positional() {
    return positional;
  }

  /** An integer flag with a clear message when it is not one. */
  public int getInt(String flag, int fallback, int min) {
    String v = get(flag, null);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min) {
        throw new UsageException(
            "'" + v + "' in " + flag + " is invalid: must be >= " + min + seeHelp());
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(
          "'" + v + "' in " + flag + " is invalid: expected a whole number" + seeHelp());
    }
  }

  private String seeHelp() {
    return ". See: scalinglab " + command + " --help";
  }

  /**
   * The error for a command that is not one of {@code commands}: {@code unknown command 'prepair';
   * did you mean prepare? Commands: prepare, sweep, help}.
   */
  public static UsageException unknownCommand(String command, List<String> commands) {
    String hint = closest(command, commands);
    return new UsageException(
        "unknown command '"
            + command
            + "'"
            + (hint.isEmpty() ? "." : hint)
            + " Commands: "
            + String.join(", ", commands));
  }

  public static String closest(String name, List<String> known) {
    // sorted: of two equally close names the same one wins on every run (flag sets are unordered)
    Closest.Match best = Closest.nearest(name, known.stream().sorted().toList());
    return best != null && best.distance() <= Math.max(2, name.length() / 3)
        ? "; did you mean " + best.name() + "?"
        : "";
  }
}
