package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a sweep wrote to its store folder, as PrometheusIT compares it with Prometheus's answers:
 * the runs of results.csv, each run's metrics.csv and the ID estimates of id/<run>.json.
 */
record SweepFiles(Map<String, List<double[]>> metrics, Map<String, Double> ids) {
  static SweepFiles read(Path dir) throws IOException {
    List<String> results = Files.readAllLines(dir.resolve("results.csv"));
    List<String> header = List.of(results.get(0).split(","));
    Map<String, List<double[]>> metrics = new TreeMap<>();
    for (String line : results.subList(1, results.size())) {
      String run = line.split(",", -1)[header.indexOf("run_id")];
      List<double[]> rows = new ArrayList<>();
      List<String> csv =
          Files.readAllLines(dir.resolve("runs").resolve(run).resolve("metrics.csv"));
      assertEquals(
          "step,tokens,train_loss,val_loss",
          String.join(",", List.of(csv.get(0).split(",")).subList(0, 4)));
      for (String row : csv.subList(1, csv.size())) {
        String[] c = row.split(",", -1);
        rows.add(
            new double[] {
              Double.parseDouble(c[0]),
              Double.parseDouble(c[1]),
              Double.parseDouble(c[2]),
              c[3].isEmpty() ? Double.NaN : Double.parseDouble(c[3])
            });
      }
      metrics.put(run, rows);
    }
    Map<String, Double> ids = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String run : metrics.keySet()) {
      JsonNode r = json.readTree(dir.resolve("id").resolve(run + ".json").toFile());
      for (JsonNode e : r.path("estimates")) {
        ids.put(
            key(
                run,
                e.path("activation").asText(),
                e.path("estimator").asText(),
                e.path("protocol").asText()),
            e.path("id").asDouble());
      }
    }
    return new SweepFiles(metrics, ids);
  }

  List<String> runs() {
    return List.copyOf(metrics.keySet());
  }

  double[] row(String run, long step) {
    return metrics.get(run).stream()
        .filter(r -> r[0] == step)
        .findFirst()
        .orElseThrow(() -> new AssertionError(run + "'s metrics.csv has no step " + step));
  }

  /** The last row, with the last validation loss of the run in place of an empty cell. */
  double[] lastRow(String run) {
    List<double[]> rows = metrics.get(run);
    double[] last = rows.get(rows.size() - 1).clone();
    for (int i = rows.size() - 1; Double.isNaN(last[3]) && i >= 0; i--) {
      last[3] = rows.get(i)[3];
    }
    return last;
  }

  double idEstimate(String run, String activation, String estimator, String protocol) {
    Double id = ids.get(key(run, activation, estimator, protocol));
    if (id == null) {
      throw new AssertionError(
          "id/" + run + ".json has no " + estimator + " " + protocol + " of " + activation);
    }
    return id;
  }

  int idEstimateCount() {
    return ids.size();
  }

  private static String key(String... parts) {
    return String.join("|", parts);
  }
}
