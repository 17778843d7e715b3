package io.scalinglab.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.InputException;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.GptKernel;
import io.scalinglab.trainer.model.LanguageModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Hugging Face GPT-2 names onto scalinglab's parameters: a model's own weights written under those
 * names come back unchanged, and every way a file can differ from the model fails naming the key to
 * change.
 */
class Gpt2WeightsTest {
  @TempDir Path tmp;

  private static final GptConfig BASE = new GptConfig(2, 2, 8, 6, 11, true, true);

  /** {@code model}'s parameters under Hugging Face names, as a file. */
  private Path export(LanguageModel model, String prefix, boolean buffers, String name)
      throws IOException {
    Map<String, SafetensorsTest.Raw> t = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : model.params().entrySet()) {
      String hf =
          switch (e.getKey()) {
            case "wte" -> prefix + "wte.weight";
            case "wpe" -> prefix + "wpe.weight";
            case "lm_head.weight" -> "lm_head.weight";
            default -> prefix + e.getKey();
          };
      t.put(hf, SafetensorsTest.f32(e.getValue().shape(), e.getValue().data().asFloat()));
    }
    if (buffers) {
      t.put(prefix + "h.0.attn.bias", SafetensorsTest.f32(new long[] {1, 1, 1, 1}, 1f));
      t.put(prefix + "h.1.attn.masked_bias", SafetensorsTest.f32(new long[] {}, -1e4f));
    }
    return SafetensorsTest.write(tmp.resolve(name), t, "{\"format\":\"pt\"}");
  }

  private static Map<String, INDArray> read(Path file, GptConfig c, List<String> log) {
    LanguageModel target = new GptKernel(c, 99);
    try (Safetensors st = Safetensors.open(file.toUri().toString(), new Configuration())) {
      return Gpt2Weights.read(st, c, target.params(), log::add);
    }
  }

  @Test
  void aModelsOwnWeightsComeBackUnchanged() throws IOException {
    for (boolean tied : new boolean[] {true, false}) {
      GptConfig c = new GptConfig(2, 2, 8, 6, 11, true, tied);
      LanguageModel source = new GptKernel(c, 7);
      for (String prefix : new String[] {"", "transformer."}) {
        Path f = export(source, prefix, true, "own-" + tied + prefix + "safetensors");
        Map<String, INDArray> got = read(f, c, new ArrayList<>());
        assertEquals(source.params().keySet(), got.keySet());
        for (Map.Entry<String, INDArray> e : source.params().entrySet()) {
          assertEquals(e.getValue(), got.get(e.getKey()), e.getKey() + " " + prefix);
        }
      }
    }
  }

  @Test
  void aPaddedVocabularyGetsZeroRowsAndALongerContextIsCut() throws IOException {
    LanguageModel source = new GptKernel(BASE, 7);
    Path f = export(source, "", false, "pad.safetensors");
    GptConfig wider = new GptConfig(2, 2, 8, 4, 16, true, true);
    List<String> log = new ArrayList<>();
    Map<String, INDArray> got = read(f, wider, log);
    INDArray wte = got.get("wte");
    assertArrayEquals(new long[] {16, 8}, wte.shape());
    assertEquals(
        source.params().get("wte"), wte.get(NDArrayIndex.interval(0, 11), NDArrayIndex.all()));
    assertEquals(0.0, wte.get(NDArrayIndex.interval(11, 16), NDArrayIndex.all()).amaxNumber());
    assertEquals(
        source.params().get("wpe").get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()),
        got.get("wpe"));
    assertTrue(log.get(0).contains("padded with 5 zero rows"), log.toString());
    assertTrue(log.get(1).contains("using the first 4"), log.toString());
  }

  @Test
  void eachDifferenceNamesTheKeyToChange() throws IOException {
    Path f = export(new GptKernel(BASE, 7), "transformer.", true, "base.safetensors");
    Map<GptConfig, String> cases = new LinkedHashMap<>();
    cases.put(new GptConfig(2, 2, 16, 6, 11, true, true), "Set model.n-embd = 8");
    cases.put(new GptConfig(3, 2, 8, 6, 11, true, true), "Set model.n-layer = 2");
    cases.put(new GptConfig(2, 2, 8, 6, 11, false, true), "Set model.bias = true");
    cases.put(new GptConfig(2, 2, 8, 6, 11, true, false), "Set model.tied-head = true");
    cases.put(new GptConfig(2, 2, 8, 7, 11, true, true), "Set model.block-size = 6 or less");
    cases.put(new GptConfig(2, 2, 8, 6, 10, true, true), "vocabulary (wte.weight rows) is 11");
    for (Map.Entry<GptConfig, String> c : cases.entrySet()) {
      InputException e =
          assertThrows(InputException.class, () -> read(f, c.getKey(), new ArrayList<>()));
      assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
      assertTrue(e.getMessage().contains("base.safetensors"), e.getMessage());
    }
    // No biases in the file, biases in the model.
    GptConfig noBias = new GptConfig(2, 2, 8, 6, 11, false, true);
    Path g = export(new GptKernel(noBias, 7), "", false, "nobias.safetensors");
    InputException e = assertThrows(InputException.class, () -> read(g, BASE, new ArrayList<>()));
    assertTrue(e.getMessage().contains("Set model.bias = false"), e.getMessage());
  }

  @Test
  void anUntiedHeadInATiedModelMustEqualTheEmbedding() throws IOException {
    GptConfig untied = new GptConfig(2, 2, 8, 6, 11, true, false);
    Path f = export(new GptKernel(untied, 7), "", false, "untied.safetensors");
    InputException e = assertThrows(InputException.class, () -> read(f, BASE, new ArrayList<>()));
    assertTrue(e.getMessage().contains("Set model.tied-head = false"), e.getMessage());
  }

  @Test
  void tensorsOfAnotherArchitectureAreRefused() throws IOException {
    LanguageModel source = new GptKernel(BASE, 7);
    Map<String, SafetensorsTest.Raw> t = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : source.params().entrySet()) {
      String hf =
          e.getKey().equals("wte") || e.getKey().equals("wpe")
              ? e.getKey() + ".weight"
              : e.getKey();
      t.put(hf, SafetensorsTest.f32(e.getValue().shape(), e.getValue().data().asFloat()));
    }
    t.put("h.0.attn.rotary.inv_freq", SafetensorsTest.f32(new long[] {2}, 1, 2));
    Path f = SafetensorsTest.write(tmp.resolve("other.safetensors"), t, null);
    InputException e = assertThrows(InputException.class, () -> read(f, BASE, new ArrayList<>()));
    assertTrue(e.getMessage().contains("h.0.attn.rotary.inv_freq"), e.getMessage());
  }
}
