package io.scalinglab.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.config.Gelu;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.data.TokenSource;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.GptKernel;
import io.scalinglab.trainer.model.LanguageModel;
import io.scalinglab.trainer.train.CheckpointEval;
import io.scalinglab.trainer.train.RunResult;
import io.scalinglab.trainer.train.RunSpec;
import io.scalinglab.trainer.train.TinyDataset;
import io.scalinglab.trainer.train.Trainer;
import io.scalinglab.trainer.train.WindowLoss;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Both engines against nanoGPT's model in PyTorch: two tiny GPT-2s with seeded random weights,
 * written as Hugging Face safetensors by {@code reference/nanogpt_parity.py} (its output is in its
 * header; the token windows, losses and logits are in {@code nanogpt_parity.json} beside it),
 * loaded through {@code model.init-from}'s reader, give PyTorch's loss and logits. Then the same
 * file goes the user's way: a run of {@code train.max-steps = 0} from it, saved as checkpoint 0,
 * and {@link CheckpointEval} on the same windows gives the same loss again.
 *
 * <p>Tolerances. float32: the loss within relative 1e-5 (the promise); logits within 1e-5
 * absolute (the promise for pretrained logits) on values of order 1 that pass through 2
 * blocks of width 16 in float32, whose rounding (unit 6e-8) in differently ordered sums stays well
 * below it. float64: the weights are the same float32 values, so only float64 rounding separates
 * the engines from PyTorch: relative 1e-12 on the loss (measured: 1e-16 to 6e-16). Measured in
 * float32: loss 3e-9 to 1.2e-7 relative, logits 8e-7 to 1.5e-6.
 */
class NanoGptParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BLOCK = 8;

  @TempDir java.nio.file.Path tmp;

  static Stream<Arguments> cases() {
    return Stream.of("erf_nobias", "tanh_bias")
        .flatMap(m -> Stream.of(Arguments.of(m, "kernel"), Arguments.of(m, "samediff")));
  }

  private static JsonNode reference(String model) throws IOException {
    return JSON.readTree(resource("nanogpt_parity.json")).path("models").path(model);
  }

  private static File resource(String name) {
    return new File(NanoGptParityTest.class.getResource("/reference/" + name).getFile());
  }

  private static GptConfig config(JsonNode r) {
    return new GptConfig(
        r.path("n_layer").asInt(),
        r.path("n_head").asInt(),
        r.path("n_embd").asInt(),
        BLOCK,
        r.path("vocab").asInt(),
        r.path("bias").asBoolean(),
        r.path("tied").asBoolean(),
        Gelu.parse(r.path("gelu").asText()),
        1e-5,
        0.0);
  }

  private static LanguageModel model(String engine, GptConfig c, DataType dtype) {
    return engine.equals("kernel") ? new GptKernel(c, 1, dtype) : new Gpt(c, 1, dtype);
  }

  private static int[] tokens(JsonNode r) {
    JsonNode t = r.path("tokens");
    int[] out = new int[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.get(i).asInt();
    }
    return out;
  }

  /** Inputs and targets of the reference's windows, row-major [windows, block]. */
  private static int[][] windows(int[] tokens, int n) {
    int[] x = new int[n * BLOCK];
    int[] y = new int[n * BLOCK];
    for (int i = 0; i < n; i++) {
      System.arraycopy(tokens, i * BLOCK, x, i * BLOCK, BLOCK);
      System.arraycopy(tokens, i * BLOCK + 1, y, i * BLOCK, BLOCK);
    }
    return new int[][] {x, y};
  }

  private static LanguageModel loaded(String name, String engine, DataType dtype)
      throws IOException {
    JsonNode r = reference(name);
    GptConfig c = config(r);
    LanguageModel m = model(engine, c, dtype);
    String file = resource(r.path("file").asText()).toURI().toString();
    try (Safetensors st = Safetensors.open(file, new Configuration())) {
      m.loadParams(Gpt2Weights.read(st, c, m.params(), line -> {}));
    }
    return m;
  }

  @ParameterizedTest(name = "{0} on {1}, float32")
  @MethodSource("cases")
  void float32LossAndLogitsArePyTorchs(String name, String engine) throws IOException {
    JsonNode r = reference(name);
    LanguageModel m = loaded(name, engine, DataType.FLOAT);
    int[] tokens = tokens(r);
    int n = (tokens.length - 1) / BLOCK;
    int[][] xy = windows(tokens, n);
    double loss = m.loss(xy[0], xy[1]);
    double expected = r.path("loss_f32").asDouble();
    double rel = Math.abs(loss - expected) / expected;
    double logitErr = maxLogitError(m, xy[0], r);
    System.out.printf(
        Locale.ROOT,
        "parity %s %s float32: loss %.9f, PyTorch %.9f, relative difference %.2e;"
            + " logits max abs difference %.2e%n",
        name,
        engine,
        loss,
        expected,
        rel,
        logitErr);
    assertTrue(rel <= 1e-5, "relative difference " + rel);
    assertTrue(logitErr <= 1e-5, "logits differ by " + logitErr);
    WindowLoss.Result w = WindowLoss.of(m, TokenSource.of(tokens), n);
    assertEquals(loss, w.loss(), 1e-6 * loss, "WindowLoss cuts the same windows");
  }

  @ParameterizedTest(name = "{0} on {1}, float64")
  @MethodSource("cases")
  void float64LossAndLogitsArePyTorchs(String name, String engine) throws IOException {
    JsonNode r = reference(name);
    LanguageModel m = loaded(name, engine, DataType.DOUBLE);
    int[] tokens = tokens(r);
    int[][] xy = windows(tokens, (tokens.length - 1) / BLOCK);
    double loss = m.loss(xy[0], xy[1]);
    double expected = r.path("loss_f64").asDouble();
    double rel = Math.abs(loss - expected) / expected;
    System.out.printf(
        Locale.ROOT,
        "parity %s %s float64: loss %.15f, PyTorch %.15f, relative difference %.2e%n",
        name,
        engine,
        loss,
        expected,
        rel);
    assertTrue(rel <= 1e-12, "relative difference " + rel);
  }

  /** The largest difference from PyTorch's float32 logits of the first window. */
  private static double maxLogitError(LanguageModel m, int[] x, JsonNode r) {
    INDArray logits = m.logits(x); // [windows * block, vocab]
    int vocab = (int) logits.columns();
    JsonNode ref = r.path("logits_window0_f32");
    assertEquals(BLOCK * vocab, ref.size());
    double max = 0;
    for (int t = 0; t < BLOCK; t++) {
      for (int v = 0; v < vocab; v++) {
        max = Math.max(max, Math.abs(logits.getDouble(t, v) - ref.get(t * vocab + v).asDouble()));
      }
    }
    return max;
  }

  /**
   * The user's path: {@code model.init-from} the file, {@code train.max-steps = 0}, then {@code
   * eval} of checkpoint 0 on the validation split, which holds the reference's tokens.
   */
  @ParameterizedTest(name = "{0} on {1}: init-from, max-steps 0, eval")
  @MethodSource("cases")
  void aRunFromTheFileEvaluatesToPyTorchsLoss(String name, String engine) throws IOException {
    JsonNode r = reference(name);
    int[] tokens = tokens(r);
    String file = resource(r.path("file").asText()).getAbsolutePath();
    ScalinglabConfig config =
        ScalinglabConfig.load(
            List.of(),
            List.of(
                "store.root=\"" + tmp.resolve("store").toUri() + "\"",
                "dataset.name=parity",
                "dataset.tokenizer=byte",
                "model.engine=" + engine,
                "model.n-layer=" + r.path("n_layer").asInt(),
                "model.n-head=" + r.path("n_head").asInt(),
                "model.n-embd=" + r.path("n_embd").asInt(),
                "model.block-size=" + BLOCK,
                "model.bias=" + r.path("bias").asBoolean(),
                "model.tied-head=" + r.path("tied").asBoolean(),
                "model.gelu=" + r.path("gelu").asText(),
                "model.init-from=\"" + file + "\"",
                "train.max-steps=0",
                "train.batch-size=2",
                "train.eval-batches=1",
                "train.threads=1",
                "train.activations.documents=1",
                "train.activations.per-document=4"));
    ResultsStore store = ResultsStore.open(config.store().root(), new Configuration());
    int vocab = r.path("vocab").asInt();
    TinyDataset.write(store, config, tokens, tokens, vocab, vocab - 1);
    RunSpec spec = RunSpec.resolve(config, store);
    String randomId =
        RunSpec.resolve(config.withOverrides(List.of("model.init-from=\"\"")), store).runId();
    assertTrue(!spec.runId().equals(randomId), "init-from is part of the run id");
    RunResult result = new Trainer(store, spec, line -> {}).run();
    assertEquals("done", result.status());
    assertEquals(0, result.steps());

    CheckpointEval.Outcome o =
        CheckpointEval.run(
            new CheckpointEval.Request(
                spec.runDir().toString(), OptionalInt.empty(), null, "val", 100),
            new Configuration(),
            line -> {});
    double expected = r.path("loss_f32").asDouble();
    assertEquals(0, o.checkpoint());
    assertEquals((tokens.length - 1) / BLOCK, o.loss().windows(), "all the split's windows");
    double rel = Math.abs(o.loss().loss() - expected) / expected;
    System.out.printf(
        Locale.ROOT,
        "parity %s %s via init-from, checkpoint 0 and eval: loss %.9f, relative difference"
            + " %.2e%n",
        name,
        engine,
        o.loss().loss(),
        rel);
    assertTrue(rel <= 1e-5, "relative difference " + rel);
    assertTrue(
        store.exists(new org.apache.hadoop.fs.Path(spec.runDir(), "activations/h_final.npy")),
        "the id job's activations are collected");
  }
}
