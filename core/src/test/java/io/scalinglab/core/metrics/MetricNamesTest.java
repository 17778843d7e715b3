package io.scalinglab.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The names Prometheus sees, scraped from a training JVM or pushed by the id job, are the ones
 * {@link MetricNames} promises dashboards.
 */
class MetricNamesTest {

  @Test
  void aScrapeExportsExactlyTheDocumentedNames() {
    TrainMetrics hub = new TrainMetrics();
    try {
      RunMetrics run = hub.forRun("s", "r", "m", "d");
      run.step(1, 1024, 3, 1e-3, 1, 100, 0.1, 0.5);
      run.eval(3.1);
      run.finished("done");
      hub.forSweep("s").progress(1, 0, 0, 0, 100, 0);
      String text =
          hub.scrape()
              + IdMetrics.text(
                  List.of(new IdMetrics.Estimate("r", "m", "h_final", "mle", "global", 9.5)));
      assertEquals(new TreeSet<>(MetricNames.ALL), Samples.parse(text).names(), text);
      assertTrue(text.contains("# TYPE scalinglab_id_estimate gauge"), text);
      assertTrue(text.contains("# TYPE scalinglab_tokens_total counter"), text);
      assertTrue(text.contains("# TYPE scalinglab_runs_finished_total counter"), text);
      assertTrue(text.contains("# TYPE scalinglab_step_seconds gauge"), text);
    } finally {
      hub.close();
    }
  }

  @Test
  void namesFollowPrometheusConventions() {
    for (String name : MetricNames.ALL) {
      assertTrue(name.matches("scalinglab_[a-z_]+"), name);
    }
    assertEquals(MetricNames.ALL.size(), new TreeSet<>(MetricNames.ALL).size());
  }
}
