package io.scalinglab.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * "Did you mean" suggestions, shared by config keys and command-line flags: edit distance, where a
 * name also matches the initials of its hyphenated words, so that {@code train.learning-rate} finds
 * {@code train.lr} rather than the nearer spelling {@code train.eval-interval}.
 */
public final class Closest {
  private Closest() {}

  /** A known name and its {@link #nameDistance} to the name asked for. */
  public record Match(String name, int distance) {}

  /**
   * The candidate nearest to {@code name} by {@link #nameDistance}; of equally near candidates the
   * first in iteration order wins, so pass a sorted collection when the order should not matter.
   */
  public static Match nearest(String name, Collection<String> candidates) {
    Match best = null;
    for (String c : candidates) {
      int d = nameDistance(name, c);
      if (best == null || d < best.distance()) {
        best = new Match(c, d);
      }
    }
    return best;
  }

  /**
   * The edit distance between two names after abbreviating either: the smallest {@link #distance}
   * between any form of {@code a} and any form of {@code b}, where a form replaces two or more
   * adjacent hyphenated words of the last dotted part by their initials ({@code min-learning-rate}
   * has the forms {@code min-lr}, {@code ml-rate} and {@code mlr} besides itself).
   */
  public static int nameDistance(String a, String b) {
    int best = Integer.MAX_VALUE;
    for (String x : forms(a)) {
      for (String y : forms(b)) {
        best = Math.min(best, distance(x, y));
      }
    }
    return best;
  }

  static List<String> forms(String name) {
    int dot = name.lastIndexOf('.');
    String prefix = name.substring(0, dot + 1);
    String last = name.substring(dot + 1);
    int dashes = 0;
    while (dashes < last.length() && last.charAt(dashes) == '-') {
      dashes++; // a flag's leading "--" is no word
    }
    String lead = prefix + last.substring(0, dashes);
    String[] words = last.substring(dashes).split("-", -1);
    List<String> forms = new ArrayList<>(List.of(name));
    for (int from = 0; from < words.length; from++) {
      for (int to = from + 2; to <= words.length; to++) {
        StringBuilder f = new StringBuilder(lead);
        for (int i = 0; i < words.length; i++) {
          if (i >= from && i < to) {
            if (i == from && i > 0) {
              f.append('-');
            }
            f.append(words[i].isEmpty() ? "" : words[i].substring(0, 1));
          } else {
            if (i > 0) {
              f.append('-');
            }
            f.append(words[i]);
          }
        }
        forms.add(f.toString());
      }
    }
    return forms;
  }

  /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
