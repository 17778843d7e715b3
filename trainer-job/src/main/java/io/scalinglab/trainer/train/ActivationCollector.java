package io.scalinglab.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.store.ActivationSidecar;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.data.SampleBatches;
import io.scalinglab.trainer.data.ShardData;
import io.scalinglab.trainer.model.LanguageModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Collects hidden states for the ID job after training, the paper's protocol made configurable
 * ({@code embeddings.py} of the authors' code): the first validation documents, each truncated to
 * the context length (or cut into up to {@code train.activations.windows} consecutive contexts,
 * each then treated as a document); per document a seeded shuffle keeps at most {@code
 * per-document} token vectors; a global cap. Every layer asked for ({@code
 * train.activations.layers}: {@code emb}, {@code h_i}, {@code h_final}, {@code ln_f}, {@code all})
 * comes from the same forward pass of each document at the same positions, and is written as {@code
 * activations/<layer>.npy} (float32, points × width) with a JSON sidecar saying what was sampled
 * and what was asked.
 *
 * <p>Documents shorter than the context are padded with EOT after their end; the model is causal,
 * so padding never changes the vectors of real positions, and only those are kept.
 */
final class ActivationCollector {
  private static final ObjectMapper JSON = Json.MAPPER;

  private ActivationCollector() {}

  /** The positions sampled in each document, shared by every layer, and their total. */
  record Sample(int[][] positions, int rows) {}

  static void collect(
      ResultsStore store,
      RunSpec spec,
      LanguageModel gpt,
      ShardData.Split val,
      Consumer<String> log) {
    TrainSettings.Activations a = spec.train().activations();
    int block = spec.model().blockSize();
    int width = spec.model().nEmbd();
    List<String> layers = a.layersFor(spec.model().nLayer());
    ShardData.Windows windows = val.windows(a.documents(), block, a.windows());
    List<int[]> docs = windows.windows(); // each a context window, sampled as a document
    long pointsAsked =
        Math.min((long) a.documents() * a.windows() * a.perDocument(), a.maxVectors());
    String shortfall = shortfall(a.documents(), windows.documents());
    if (shortfall != null) {
      log.accept("WARNING run " + spec.runId() + ": " + shortfall);
    }
    if (docs.isEmpty()) {
      log.accept("no validation documents: no activations collected");
      return;
    }
    Sample sample = sample(docs, block, a, spec.train().seed());
    Map<String, float[]> flat = new LinkedHashMap<>();
    for (String layer : layers) {
      flat.put(layer, new float[Math.multiplyExact(sample.rows(), width)]);
    }
    int row = 0;
    for (int d = 0; d < sample.positions().length; d++) {
      int[] positions = sample.positions()[d];
      if (positions.length == 0) {
        continue;
      }
      int[] doc = docs.get(d);
      int[] x = new int[block];
      Arrays.fill(x, val.eot());
      System.arraycopy(doc, 0, x, 0, Math.min(doc.length, block));
      Map<String, INDArray> hidden = gpt.hiddenStates(x, layers); // one pass, [block, width] each
      for (String layer : layers) {
        INDArray h = hidden.get(layer);
        float[] into = flat.get(layer);
        for (int i = 0; i < positions.length; i++) {
          float[] v = h.getRow(positions[i]).toFloatVector();
          System.arraycopy(v, 0, into, (row + i) * width, width);
        }
      }
      row += positions.length;
    }
    Path dir = new Path(spec.runDir(), "activations");
    int rows = sample.rows();
    for (String layer : layers) {
      float[] data = flat.get(layer);
      store.writeAtomically(
          new Path(dir, layer + ".npy"), out -> Npy.writeFloat32(out, data, rows, width));
      ObjectNode sampling = JSON.createObjectNode();
      sampling.put("points_asked", pointsAsked);
      sampling.put("documents", windows.documents()); // kept for readers of earlier sidecars
      sampling.put("documents_asked", a.documents());
      sampling.put("documents_used", windows.documents());
      sampling.put("windows_per_document", a.windows());
      sampling.put("windows_used", docs.size());
      if (shortfall != null) {
        sampling.put("warning", shortfall);
      }
      sampling.put("per_document", a.perDocument());
      sampling.put("max_vectors", a.maxVectors());
      sampling.put("context", block);
      ObjectNode side =
          new ActivationSidecar(
                  ActivationSidecar.FORMAT_VERSION,
                  spec.runId(),
                  JSON.getNodeFactory().textNode(layer),
                  null,
                  rows,
                  width,
                  spec.model().totalParams(),
                  spec.model().nonEmbeddingParams(),
                  spec.model().nLayer(),
                  positionsOf(sample),
                  sampling,
                  null)
              .withProvenance(
                  Provenance.capture(
                      spec.resolvedConfigJson(), Map.of("train.seed", spec.train().seed())))
              .toJson();
      store.writeJson(new Path(dir, layer + ".json"), side);
    }
    log.accept(
        String.format(
            Locale.ROOT,
            "collected %,d activation vectors (of %,d asked) from %,d validation documents (%,d"
                + " context windows) for the ID job: %s",
            rows,
            pointsAsked,
            windows.documents(),
            docs.size(),
            String.join(", ", layers)));
  }

  /**
   * The warning for a validation split with fewer documents than asked, or null if it has enough.
   */
  static String shortfall(int asked, int had) {
    if (had >= asked) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "asked %,d validation documents, had %,d: the ID comes from fewer points than asked; set"
            + " dataset.val-documents = %d (and prepare again) to put that many documents in the"
            + " validation split, or lower train.activations.documents",
        asked,
        had,
        asked);
  }

  /**
   * Per document, the positions kept: a seeded shuffle of its real positions cut to {@code
   * per-document}, until the cap on all vectors is reached (documents past it keep none).
   */
  static Sample sample(List<int[]> docs, int block, TrainSettings.Activations a, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int[][] positions = new int[docs.size()][];
    int rows = 0;
    for (int d = 0; d < docs.size(); d++) {
      int len = Math.min(docs.get(d).length, block);
      int[] p = SampleBatches.shuffledPrefix(rnd, len, a.perDocument());
      int keep = Math.min(p.length, a.maxVectors() - rows);
      positions[d] = Arrays.copyOf(p, keep);
      rows += keep;
    }
    return new Sample(positions, rows);
  }

  /** Each collected row's context position, in row order. */
  private static int[] positionsOf(Sample sample) {
    int[] out = new int[sample.rows()];
    int i = 0;
    for (int[] p : sample.positions()) {
      for (int at : p) {
        out[i++] = at;
      }
    }
    return out;
  }
}
