package io.scalinglab.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text-format scrape, parsed for assertions. */
record Samples(List<Sample> all) {
  private static final Pattern LINE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\",?");

  /** One sample line: metric name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  static Samples parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a sample line: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
    return new Samples(List.copyOf(samples));
  }

  /** The names of the samples, sorted. */
  TreeSet<String> names() {
    TreeSet<String> names = new TreeSet<>();
    all.forEach(s -> names.add(s.name()));
    return names;
  }

  /** The value of the sample named {@code name} whose labels include {@code labels}. */
  Optional<Double> value(String name, Map<String, String> labels) {
    List<Sample> matches =
        all.stream()
            .filter(
                s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
            .toList();
    if (matches.size() > 1) {
      throw new AssertionError(matches.size() + " samples match " + name + labels);
    }
    return matches.stream().map(Sample::value).findFirst();
  }
}
