package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.metrics.MetricNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard (deploy/grafana/scalinglab.json) queries only metrics the code exports, as
 * {@link MetricNames#ALL} lists them (MetricNamesTest keeps that list true to a scrape), and draws
 * what operators asked for: losses, throughput, MFU, step time, sweep progress, failed runs and the
 * intrinsic-dimension estimates.
 */
class DashboardTest {
  static final String DASHBOARD = "deploy/grafana/scalinglab.json";

  /** PromQL words that are not metric names: functions, aggregations, keywords. */
  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool",
          "and",
          "or",
          "unless",
          "inf",
          "nan");

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern SELECTOR = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*(.*?)\\s*,\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)");
  private static final Pattern WORD = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @Test
  void everyQueriedMetricIsOneTheCodeExports() throws IOException {
    Set<String> queried = new TreeSet<>();
    for (String q : queries(dashboard())) {
      queried.addAll(metricNames(q));
    }
    Set<String> unknown = new TreeSet<>(queried);
    unknown.removeAll(MetricNames.ALL);
    assertTrue(
        unknown.isEmpty(), "the dashboard queries metrics the code does not export: " + unknown);
    for (String wanted :
        List.of(
            MetricNames.TRAIN_LOSS,
            MetricNames.VAL_LOSS,
            MetricNames.TOKENS_PER_SECOND,
            MetricNames.MFU,
            MetricNames.STEP_SECONDS,
            MetricNames.SWEEP_RUNS,
            MetricNames.SWEEP_ETA_SECONDS,
            MetricNames.ID_ESTIMATE)) {
      assertTrue(queried.contains(wanted), "the dashboard draws " + wanted);
    }
  }

  @Test
  void theMetricNameParserFindsNamesAndOnlyNames() {
    assertEquals(
        Set.of("scalinglab_train_loss"),
        metricNames(
            "max by (sweep, run) (scalinglab_train_loss{sweep=~\"$sweep\", model=\"a b\"})"));
    assertEquals(
        Set.of("scalinglab_tokens_total", "scalinglab_sweep_runs"),
        metricNames(
            "sum(rate(scalinglab_tokens_total[5m])) / on (sweep) group_left max without (state)"
                + " (scalinglab_sweep_runs)"));
    assertEquals(
        Set.of("scalinglab_sweep_runs"), metricNames("label_values(scalinglab_sweep_runs, sweep)"));
    assertEquals(Set.of("up"), metricNames("up == 1"));
  }

  @Test
  void panelsUseTheDatasourceVariableAndHaveUniqueIds() throws IOException {
    JsonNode d = dashboard();
    Set<Integer> ids = new LinkedHashSet<>();
    for (JsonNode panel : d.path("panels")) {
      assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id " + panel.path("id"));
      for (JsonNode target : panel.path("targets")) {
        assertEquals("${datasource}", target.path("datasource").path("uid").asText());
      }
    }
    assertFalse(ids.isEmpty());
  }

  static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(Repo.read(DASHBOARD));
  }

  /** Every PromQL text in the dashboard: panel targets and template variable queries. */
  static List<String> queries(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> out.add(e.asText()));
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        JsonNode q = v.path("query");
        out.add(q.isObject() ? q.path("query").asText() : q.asText());
        out.add(v.path("definition").asText());
      }
    }
    out.removeIf(String::isBlank);
    return out;
  }

  /** The metric names a PromQL expression (or a Grafana label_values query) selects. */
  static Set<String> metricNames(String promql) {
    String q = LABEL_VALUES.matcher(promql).replaceAll("$1");
    q = STRING.matcher(q).replaceAll(" ");
    q = SELECTOR.matcher(q).replaceAll(" ");
    q = RANGE.matcher(q).replaceAll(" ");
    q = GROUPING.matcher(q).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = WORD.matcher(q);
    while (m.find()) {
      String word = m.group();
      int after = m.end();
      while (after < q.length() && Character.isWhitespace(q.charAt(after))) {
        after++;
      }
      boolean function = after < q.length() && q.charAt(after) == '(';
      boolean number = m.start() > 0 && Character.isDigit(q.charAt(m.start() - 1));
      if (!function && !number && !PROMQL_WORDS.contains(word) && !word.startsWith("$")) {
        names.add(word);
      }
    }
    return names;
  }
}
