package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.data.ShardData;
import io.scalinglab.trainer.data.TokenSource;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptKernel;
import io.scalinglab.trainer.model.LanguageModel;
import io.scalinglab.trainer.prepare.PrepareJob;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Activation collection on a tiny 2-layer model and a validation split of three documents: every
 * layer from one pass at the same positions, and a split smaller than asked said out loud.
 */
class ActivationCollectorTest {
  private static final int EOT = 256;
  private static final int BLOCK = 16;
  private static final int WIDTH = 16;

  /** Documents of 5, 20 (cut to the context) and 3 tokens. */
  private static final int[][] DOCS = {
    {1, 2, 3, 4, 5},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20},
    {40, 41, 42}
  };

  @TempDir Path tmp;

  @Test
  void everyLayerComesFromTheSamePositionsAndASmallSplitSaysSo() throws Exception {
    List<String> log = new ArrayList<>();
    RunSpec spec =
        spec(
            "train.activations.documents=10",
            "train.activations.per-document=4",
            "train.activations.layers=[h_final, ln_f]");
    LanguageModel gpt = new GptKernel(spec.model(), 5);
    ResultsStore store = store();
    ActivationCollector.collect(store, spec, gpt, split(), log::add);

    int rows = 4 + 4 + 3; // per-document 4, the last document has 3 tokens
    for (String layer : List.of("h_final", "ln_f")) {
      JsonNode side = store.readJson(new org.apache.hadoop.fs.Path(dir(spec), layer + ".json"));
      assertEquals(layer, side.path("layer").asText());
      assertEquals(10, side.path("documents_asked").asInt());
      assertEquals(3, side.path("documents_used").asInt());
      assertEquals(40, side.path("points_asked").asLong(), "10 documents x 4");
      assertEquals(rows, side.path("points").asInt());
      assertTrue(
          side.path("warning").asText().startsWith("asked 10 validation documents, had 3:"),
          side.toString());
      assertTrue(side.path("warning").asText().contains("dataset.val-documents"));
    }
    assertTrue(
        log.stream().anyMatch(l -> l.startsWith("WARNING") && l.contains("had 3")), log.toString());
    JsonNode a = store.readJson(new org.apache.hadoop.fs.Path(dir(spec), "h_final.json"));
    JsonNode b = store.readJson(new org.apache.hadoop.fs.Path(dir(spec), "ln_f.json"));
    assertEquals(a.path("positions"), b.path("positions"), "one sample for every layer");

    // Each row is the hidden state at its document and position, for each layer's own node.
    int[] positions = new int[rows];
    for (int i = 0; i < rows; i++) {
      positions[i] = a.path("positions").get(i).asInt();
    }
    int[] docOf = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
    for (String[] layer : new String[][] {{"h_final", Gpt.FINAL_BLOCK}, {"ln_f", Gpt.FINAL_LN}}) {
      Npy.NpyArray npy = read(store, spec, layer[0]);
      assertEquals(rows, npy.rows());
      assertEquals(WIDTH, npy.cols());
      for (int i = 0; i < rows; i++) {
        INDArray h = gpt.hidden(padded(DOCS[docOf[i]]), layer[1]);
        float[] expected = h.getRow(positions[i]).toFloatVector();
        float[] got = Arrays.copyOfRange(npy.toFloats(), i * WIDTH, (i + 1) * WIDTH);
        assertArrayEquals(expected, got, 0f, layer[0] + " row " + i);
      }
    }
  }

  @Test
  void theCapOnVectorsIsAskedAndKept() throws Exception {
    RunSpec spec =
        spec(
            "train.activations.documents=3",
            "train.activations.per-document=4",
            "train.activations.max-vectors=6");
    ResultsStore store = store();
    List<String> log = new ArrayList<>();
    ActivationCollector.collect(store, spec, new GptKernel(spec.model(), 5), split(), log::add);
    JsonNode side = store.readJson(new org.apache.hadoop.fs.Path(dir(spec), "h_final.json"));
    assertEquals(6, side.path("points").asInt());
    assertEquals(6, side.path("points_asked").asInt());
    assertEquals(3, side.path("documents_used").asInt());
    assertFalse(side.has("warning"), "three documents asked, three had");
    assertFalse(log.stream().anyMatch(l -> l.startsWith("WARNING")), log.toString());
    assertEquals(6, read(store, spec, "h_final").rows());
  }

  /**
   * {@code all}: the embedding, each block and ln_f, the last block equal to h_final. Skipped while
   * the engine answers only h_final and ln_f (the one-pass hiddenStates of every name lands with
   * the model engines).
   */
  @Test
  void allWritesEveryLayerAndTheLastBlockIsHFinal() throws Exception {
    RunSpec spec = spec("train.activations.documents=3", "train.activations.layers=[all, h_final]");
    LanguageModel gpt = new GptKernel(spec.model(), 5);
    Assumptions.assumeTrue(
        answers(gpt, List.of("emb", "h_0", "h_1", "ln_f")),
        "the engine does not yet give emb and h_i from hiddenStates");
    ResultsStore store = store();
    ActivationCollector.collect(store, spec, gpt, split(), line -> {});
    for (String layer : List.of("emb", "h_0", "h_1", "ln_f", "h_final")) {
      assertEquals(11, read(store, spec, layer).rows(), layer);
    }
    assertArrayEquals(
        read(store, spec, "h_final").toFloats(), read(store, spec, "h_1").toFloats(), 0f);
  }

  private static boolean answers(LanguageModel gpt, List<String> names) {
    try {
      gpt.hiddenStates(padded(DOCS[0]), names);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private RunSpec spec(String... overrides) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "store.root=\"" + tmp.toUri() + "\"",
                "dataset.name=acts",
                "dataset.tokenizer=byte",
                "model.n-layer=2",
                "model.n-head=2",
                "model.n-embd=" + WIDTH,
                "model.block-size=" + BLOCK,
                "train.activations.per-document=4"));
    all.addAll(List.of(overrides));
    ScalinglabConfig c = ScalinglabConfig.load(List.of(), all);
    ObjectNode manifest = new ObjectMapper().createObjectNode();
    manifest.put("vocab_size", 257);
    manifest.putArray("subsets").addObject().put("name", "f1").put("tokens", 1000);
    ResultsStore store = store();
    store.writeJson(
        new org.apache.hadoop.fs.Path(
            store.dataDir(PrepareJob.datasetId(c), "byte"), "manifest.json"),
        manifest);
    return RunSpec.resolve(c, store);
  }

  private ResultsStore store() {
    return ResultsStore.open(tmp.toUri().toString(), new Configuration());
  }

  private static org.apache.hadoop.fs.Path dir(RunSpec spec) {
    return new org.apache.hadoop.fs.Path(spec.runDir(), "activations");
  }

  private static Npy.NpyArray read(ResultsStore store, RunSpec spec, String layer)
      throws Exception {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir(spec), layer + ".npy");
    try (InputStream in = store.fs().open(p)) {
      return Npy.read(in, p.toString());
    }
  }

  /** The three documents, each followed by EOT, as a validation split. */
  private static ShardData.Split split() {
    List<Integer> tokens = new ArrayList<>();
    for (int[] d : DOCS) {
      Arrays.stream(d).forEach(tokens::add);
      tokens.add(EOT);
    }
    return new ShardData.Split(
        TokenSource.of(tokens.stream().mapToInt(Integer::intValue).toArray()), EOT);
  }

  /** A document cut to the context and padded with EOT, as the collector feeds it. */
  private static int[] padded(int[] doc) {
    int[] x = new int[BLOCK];
    Arrays.fill(x, EOT);
    System.arraycopy(doc, 0, x, 0, Math.min(doc.length, BLOCK));
    return x;
  }
}
