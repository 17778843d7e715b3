package io.scalinglab.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.store.Manifests;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Collects hidden states for the ID job after training, the paper's protocol made configurable
 * ({@code embeddings.py} of the authors' code): the first validation documents, each truncated to
 * the context length; per document a seeded shuffle keeps at most {@code per-document} token
 * vectors; a global cap. Written as {@code activations/<layer>.npy} (float32, points × width) with
 * a JSON sidecar saying what was sampled.
 *
 * <p>Documents shorter than the context are padded with EOT after their end; the model is causal,
 * so padding never changes the vectors of real positions, and only those are kept.
 */
final class ActivationCollector {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ActivationCollector() {}

  static void collect(
      ResultsStore store,
      RunSpec spec,
      LanguageModel gpt,
      ShardData.Split val,
      Consumer<String> log) {
    TrainSettings.Activations a = spec.train().activations();
    int block = spec.model().blockSize();
    int width = spec.model().nEmbd();
    List<int[]> docs = val.documents(a.documents(), block); // cut to the context below anyway
    if (docs.isEmpty()) {
      log.accept("no validation documents: no activations collected");
      return;
    }
    for (String layer : a.layers()) {
      String node = layer.equals("ln_f") ? Gpt.FINAL_LN : Gpt.FINAL_BLOCK;
      SplittableRandom rnd = new SplittableRandom(spec.train().seed() ^ 0x5DEECE66DL);
      List<float[]> vectors = new ArrayList<>();
      List<int[]> origin = new ArrayList<>(); // (document, position)
      for (int d = 0; d < docs.size() && vectors.size() < a.maxVectors(); d++) {
        int[] doc = docs.get(d);
        int len = Math.min(doc.length, block);
        int[] x = new int[block];
        Arrays.fill(x, val.eot());
        System.arraycopy(doc, 0, x, 0, len);
        INDArray h = gpt.hidden(x, node); // [block, width]
        int[] positions = shuffledPrefix(rnd, len, a.perDocument());
        for (int pos : positions) {
          if (vectors.size() >= a.maxVectors()) {
            break;
          }
          vectors.add(h.getRow(pos).toFloatVector());
          origin.add(new int[] {d, pos});
        }
      }
      float[] flat = new float[vectors.size() * width];
      for (int i = 0; i < vectors.size(); i++) {
        System.arraycopy(vectors.get(i), 0, flat, i * width, width);
      }
      Path dir = new Path(spec.runDir(), "activations");
      int rows = vectors.size();
      store.writeAtomically(
          new Path(dir, layer + ".npy"), out -> Npy.writeFloat32(out, flat, rows, width));
      ObjectNode side = JSON.createObjectNode();
      side.put("kind", "activations");
      side.put("run_id", spec.runId());
      side.put("layer", layer);
      side.put("points", rows);
      side.put("width", width);
      side.put("documents", docs.size());
      side.put("per_document", a.perDocument());
      side.put("max_vectors", a.maxVectors());
      side.put("context", block);
      side.put("parameters", spec.model().totalParams()); // the id job's model-size column
      side.put("params_non_embedding", spec.model().nonEmbeddingParams());
      side.put("n_layer", spec.model().nLayer());
      var pos = side.putArray("positions");
      for (int[] o : origin) {
        pos.add(o[1]);
      }
      Manifests.withProvenance(
          side,
          Provenance.capture(spec.resolvedConfigJson(), Map.of("train.seed", spec.train().seed())));
      store.writeJson(new Path(dir, layer + ".json"), side);
      log.accept("collected " + rows + " activation vectors of " + layer + " for the ID job");
    }
  }

  /** {@code k} distinct positions of {@code [0, n)} in random order (all of them if k ≥ n). */
  static int[] shuffledPrefix(SplittableRandom rnd, int n, int k) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return Arrays.copyOf(p, Math.min(k, n));
  }
}
