package io.scalinglab.id.job;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.ActivationSidecar;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.LayerOrder;
import io.scalinglab.core.store.Manifests;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.store.RunManifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The activations a sweep collected, as laid out in the store (DESIGN.md):
 *
 * <pre>
 * &lt;root&gt;/&lt;sweep&gt;/runs/&lt;run-id&gt;/manifest.json
 * &lt;root&gt;/&lt;sweep&gt;/runs/&lt;run-id&gt;/activations/&lt;name&gt;.npy    float32, points × width
 * &lt;root&gt;/&lt;sweep&gt;/runs/&lt;run-id&gt;/activations/&lt;name&gt;.json   sidecar: what was sampled
 * </pre>
 *
 * <p>scalinglab's trainers write the sidecar as an {@link ActivationSidecar}; one written elsewhere
 * is optional and every key in it is optional (id-job/README.md lists them): {@code layer} (block
 * index or a name), {@code site} (where in the block), {@code positions} (the context position of
 * each row, for the per-position table) and {@code parameters} (the model's size). A run's size is
 * taken from its sidecar, else from its {@code manifest.json}: the top-level {@code parameters} of
 * a manifest scalinglab wrote ({@link RunManifest}: one with a {@code provenance} block, in a
 * format this build reads), else, for activations brought from elsewhere, the first of {@code
 * parameters}, {@code n_params}, {@code num_params}, {@code params} found anywhere in it.
 */
public final class Activations {
  private static final ObjectMapper JSON = Json.MAPPER;
  private static final Set<String> SIZE_KEYS =
      Set.of("parameters", "n_params", "num_params", "params", "parameter_count");

  private Activations() {}

  /** A run and its activation files. */
  public record Run(
      String runId,
      Path dir,
      Optional<Long> parameters,
      Optional<String> model,
      List<File> files) {}

  /**
   * One activation file: its name (the file stem), its path, the sidecar's layer (as written, and
   * as an index when it is a number), site and per-row positions (null when not given).
   */
  public record File(
      String name,
      Path npy,
      Optional<String> layer,
      Optional<Integer> layerIndex,
      Optional<String> site,
      int[] positions,
      Optional<Long> parameters) {}

  /**
   * The runs of {@code sweep} that hold activations, sorted by run id, each run's files by depth
   * ({@link LayerOrder}: input, emb, h_0, h_1, …, h_10, h_final, ln_f).
   *
   * @throws InputException if the sweep has no runs folder
   */
  public static List<Run> list(ResultsStore store, String sweep) {
    requireNonNull(store, "store");
    Path runs = new Path(store.sweepDir(sweep), "runs");
    FileStatus[] dirs;
    try {
      dirs = store.fs().listStatus(runs);
    } catch (FileNotFoundException e) {
      throw InputException.of(
          runs.toString(),
          "the sweep '" + sweep + "' has no runs folder",
          "Check --sweep and --store, or train the sweep first so it collects activations");
    } catch (IOException e) {
      throw InputException.of(runs.toString(), "cannot be listed: " + e, "Check the store", e);
    }
    List<Run> out = new ArrayList<>();
    Arrays.sort(dirs, Comparator.comparing(s -> s.getPath().getName()));
    for (FileStatus d : dirs) {
      String id = d.getPath().getName();
      if (!d.isDirectory() || id.startsWith(".") || id.startsWith("_")) {
        continue;
      }
      List<File> files = files(store, new Path(d.getPath(), "activations"));
      if (files.isEmpty()) {
        continue;
      }
      JsonNode manifest = readJson(store, new Path(d.getPath(), "manifest.json"));
      out.add(
          new Run(
              id,
              d.getPath(),
              parameters(manifest, new Path(d.getPath(), "manifest.json")),
              text(manifest.path("model"), "name").or(() -> textValue(manifest.path("model"))),
              files));
    }
    return out;
  }

  private static List<File> files(ResultsStore store, Path dir) {
    FileStatus[] all;
    try {
      all = store.fs().listStatus(dir);
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw InputException.of(dir.toString(), "cannot be listed: " + e, "Check the store", e);
    }
    Arrays.sort(all, Comparator.comparing(s -> s.getPath().getName()));
    List<File> out = new ArrayList<>();
    for (FileStatus s : all) {
      String name = s.getPath().getName();
      if (!s.isFile() || !name.endsWith(".npy") || name.startsWith(".")) {
        continue;
      }
      String stem = name.substring(0, name.length() - 4);
      Path sidecarPath = new Path(dir, stem + ".json");
      JsonNode side = readJson(store, sidecarPath);
      if (side.path("format_version").asInt(0) > ActivationSidecar.FORMAT_VERSION) {
        throw InputException.of(
            sidecarPath.toString(),
            "was written in sidecar format "
                + side.path("format_version").asInt()
                + ", this build reads "
                + ActivationSidecar.FORMAT_VERSION,
            "Run the id job with the scalinglab version that trained the sweep, or a newer one");
      }
      JsonNode layer = side.path("layer");
      Optional<String> layerText = textValue(layer);
      Optional<Integer> layerIndex =
          layer.canConvertToInt() && layer.isIntegralNumber()
              ? Optional.of(layer.intValue())
              : Optional.empty();
      int[] positions = null;
      JsonNode pos = side.path("positions");
      if (pos.isArray()) {
        positions = new int[pos.size()];
        for (int i = 0; i < positions.length; i++) {
          if (!pos.get(i).canConvertToInt()) {
            throw InputException.of(
                sidecarPath.toString(),
                "positions[" + i + "] is not an integer: " + pos.get(i),
                "Write the context position of each row as an integer");
          }
          positions[i] = pos.get(i).intValue();
        }
      }
      Optional<Long> parameters =
          side.path("parameters").isNumber()
              ? Optional.of(side.path("parameters").longValue())
              : Optional.empty();
      out.add(
          new File(
              stem,
              s.getPath(),
              layerText,
              layerIndex,
              textValue(side.path("site")),
              positions,
              parameters));
    }
    // by depth (emb, h_0, h_1, …, h_10, h_final, ln_f), not as text would put h_10 before h_2
    out.sort(
        Comparator.comparing((File f) -> f.layer().orElse(f.name()), LayerOrder.BY_DEPTH)
            .thenComparing(File::name));
    return out;
  }

  /** A JSON file as a tree, or an empty object when it does not exist. */
  private static JsonNode readJson(ResultsStore store, Path p) {
    try (InputStream in = store.fs().open(p)) {
      return JSON.readTree(in);
    } catch (FileNotFoundException e) {
      return JSON.createObjectNode();
    } catch (IOException e) {
      throw InputException.of(
          p.toString(), "is not valid JSON: " + e.getMessage(), "Write it again, or remove it", e);
    }
  }

  /**
   * A run's size from its manifest: scalinglab's own key where scalinglab wrote it, else the first
   * of the usual names anywhere in it.
   *
   * @throws InputException if scalinglab wrote it in a layout newer than this build reads
   */
  private static Optional<Long> parameters(JsonNode manifest, Path path) {
    if (!manifest.path(Manifests.PROVENANCE).isObject()) {
      return findNumber(manifest).map(Number::longValue);
    }
    RunManifest run = RunManifest.of(manifest, path.toString());
    return run.parameters() > 0 ? Optional.of(run.parameters()) : Optional.empty();
  }

  private static Optional<Number> findNumber(JsonNode n) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (SIZE_KEYS.contains(e.getKey()) && e.getValue().isNumber()) {
          return Optional.of(e.getValue().numberValue());
        }
      }
      for (JsonNode child : n) {
        Optional<Number> found = findNumber(child);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> text(JsonNode n, String field) {
    return textValue(n.path(field));
  }

  private static Optional<String> textValue(JsonNode n) {
    return n.isValueNode() && !n.isNull() ? Optional.of(n.asText()) : Optional.empty();
  }
}
