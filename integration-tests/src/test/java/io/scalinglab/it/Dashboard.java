package io.scalinglab.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard deploy/grafana/scalinglab.json as Grafana sends it to Prometheus: its
 * panels' PromQL with the template variables filled in, and its variables' {@code label_values}
 * queries.
 */
record Dashboard(List<Dashboard.Panel> panels, List<Dashboard.Variable> variables) {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");
  private static final Pattern LEGEND = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*(.*?)\\s*,\\s*(\\w+)\\s*\\)");

  /** A panel that queries: its title, Grafana type (timeseries, stat, table) and targets. */
  record Panel(int id, String title, String type, List<Target> targets) {}

  /** One query of a panel and its legend format ({@code {{model}} {{run}}}). */
  record Target(String expr, String legendFormat) {
    /** The legend of a series with {@code labels}, as Grafana writes it. */
    String legend(Map<String, String> labels) {
      Matcher m = LEGEND.matcher(legendFormat.isEmpty() ? "" : legendFormat);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sb, Matcher.quoteReplacement(labels.getOrDefault(m.group(1), "")));
      }
      m.appendTail(sb);
      return sb.isEmpty() ? labels.toString() : sb.toString().strip();
    }
  }

  /**
   * A query variable: {@code label_values(match, label)}, and the regex Grafana puts in for "All".
   */
  record Variable(String name, String match, String label, String allValue) {}

  static Dashboard load(Path file) {
    JsonNode d;
    try {
      d = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Panel> panels = new ArrayList<>();
    for (JsonNode p : d.path("panels")) {
      List<Target> targets = new ArrayList<>();
      for (JsonNode t : p.path("targets")) {
        targets.add(new Target(t.path("expr").asText(), t.path("legendFormat").asText("")));
      }
      if (!targets.isEmpty()) {
        panels.add(
            new Panel(
                p.path("id").asInt(), p.path("title").asText(), p.path("type").asText(), targets));
      }
    }
    List<Variable> variables = new ArrayList<>();
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        JsonNode q = v.path("query");
        Matcher m = LABEL_VALUES.matcher(q.isObject() ? q.path("query").asText() : q.asText());
        if (!m.matches()) {
          throw new AssertionError("variable " + v.path("name") + " is no label_values query");
        }
        variables.add(
            new Variable(
                v.path("name").asText(), m.group(1), m.group(2), v.path("allValue").asText()));
      }
    }
    return new Dashboard(List.copyOf(panels), List.copyOf(variables));
  }

  /** {@code promql} with {@code $name} and {@code ${name}} replaced by {@code values}. */
  static String fill(String promql, Map<String, String> values) {
    Matcher m = VARIABLE.matcher(promql);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = values.get(name);
      if (value == null) {
        throw new AssertionError("no value for $" + name + " in " + promql);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
