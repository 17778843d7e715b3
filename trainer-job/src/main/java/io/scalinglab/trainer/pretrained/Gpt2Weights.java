package io.scalinglab.trainer.pretrained;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.error.InputException;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GPT-2 weights in Hugging Face's names ({@code GPT2LMHeadModel}'s state dict, with or without the
 * {@code transformer.} prefix) as scalinglab parameters: {@code wte.weight} → {@code wte}, {@code
 * wpe.weight} → {@code wpe}, {@code h.<i>.ln_1|ln_2}, {@code h.<i>.attn.c_attn|c_proj}, {@code
 * h.<i>.mlp.c_fc|c_proj} and {@code ln_f} under the same names, and {@code lm_head.weight}.
 *
 * <p>No transposes: Hugging Face's {@code Conv1D} keeps a weight as [in, out] and computes {@code x
 * · W + b}, which is scalinglab's layout ({@code TransformerBlocks.linear}); the embeddings and an
 * untied head are [vocabulary or positions, width] in both. The causal-mask buffers {@code
 * attn.bias} and {@code attn.masked_bias} are ignored. A tied model takes the head from {@code
 * wte}; a {@code lm_head.weight} in the file must then equal it.
 *
 * <p>Where the file and the model differ the error names the model key to change: the width ({@code
 * model.n-embd}), the blocks ({@code model.n-layer}), biases ({@code model.bias}), the head ({@code
 * model.tied-head}), positions ({@code model.block-size}: a shorter context keeps the first rows of
 * {@code wpe}, as nanoGPT's {@code crop_block_size}) and the vocabulary. The number of heads is not
 * in the tensors' shapes; {@code model.n-head} must be right (GPT-2: 12, 16, 20, 25 for small,
 * medium, large, XL).
 */
public final class Gpt2Weights {
  private static final Pattern BLOCK = Pattern.compile("h\\.(\\d+)\\..*");
  private static final List<String> IGNORED = List.of(".attn.bias", ".attn.masked_bias");
  private static final String HEAD = "lm_head.weight";

  private Gpt2Weights() {}

  /**
   * Reads {@code path} (a local path or Hadoop URI of a {@code .safetensors} file) into {@code
   * model}'s parameters.
   *
   * @throws InputException naming the file, the tensor and the model key to change if the file does
   *     not hold a GPT-2 of the model's shape
   */
  public static void load(
      LanguageModel model, String path, Configuration conf, Consumer<String> log) {
    try (Safetensors st = Safetensors.open(path, conf)) {
      model.loadParams(read(st, model.config(), model.params(), log));
    }
    log.accept("initial weights from " + path);
  }

  /**
   * Checks that {@code st} holds a GPT-2 of {@code config}'s shape, reading its header only.
   *
   * @throws InputException as {@link #read}
   */
  public static void check(Safetensors st, GptConfig config) {
    new Mapping(st, config).check();
  }

  /**
   * The file's tensors as parameters of a model of {@code config}, each of the shape and data type
   * of {@code like}'s array of the same name.
   *
   * @param like the model's own parameters, for their names, shapes and data type
   * @param log hears about padded vocabulary and cropped positions
   */
  public static Map<String, INDArray> read(
      Safetensors st, GptConfig config, Map<String, INDArray> like, Consumer<String> log) {
    Mapping m = new Mapping(st, config);
    m.check();
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : like.entrySet()) {
      String name = e.getKey();
      INDArray target = e.getValue();
      String source = m.fileName(name);
      boolean dbl = target.dataType() == DataType.DOUBLE;
      long[] shape = target.shape();
      Safetensors.Tensor t = st.tensors().get(source);
      INDArray values =
          dbl
              ? Nd4j.create(st.doubles(source), t.shape(), 'c')
              : Nd4j.create(st.floats(source), t.shape(), 'c');
      out.put(name, fit(values, shape, name, log, st.file()));
    }
    if (config.tiedHead() && st.tensors().containsKey(m.prefix + HEAD)) {
      float[] head = st.floats(m.prefix + HEAD);
      float[] wte = st.floats(m.prefix + "wte.weight");
      if (!Arrays.equals(head, wte)) {
        throw InputException.of(
            st.file(),
            "its lm_head.weight differs from wte.weight: the head is not tied",
            "Set model.tied-head = false");
      }
    }
    return out;
  }

  /**
   * {@code values} in the model's {@code shape}: as they are, or the token embedding (or an untied
   * head) padded with zero rows, or the position embedding cut to the first rows.
   */
  private static INDArray fit(
      INDArray values, long[] shape, String name, Consumer<String> log, String file) {
    if (Arrays.equals(values.shape(), shape)) {
      return values;
    }
    long rows = values.rows();
    INDArray out = Nd4j.zeros(values.dataType(), shape);
    if (rows < shape[0]) { // checked by Mapping: the vocabulary, padded by model.pad-vocab-to
      out.get(
              org.nd4j.linalg.indexing.NDArrayIndex.interval(0, rows),
              org.nd4j.linalg.indexing.NDArrayIndex.all())
          .assign(values);
      log.accept(
          String.format(
              "%s: %s has %d rows, padded with %d zero rows to the model's vocabulary of %d"
                  + " (model.pad-vocab-to). A padded id's logit is 0, not -infinity, so the"
                  + " softmax gives it some probability: the loss is not quite the file's own"
                  + " model's; set model.pad-vocab-to = 1 to evaluate it exactly",
              file, name, rows, shape[0] - rows, shape[0]));
    } else { // the positions: the first block-size rows
      out.assign(
          values.get(
              org.nd4j.linalg.indexing.NDArrayIndex.interval(0, shape[0]),
              org.nd4j.linalg.indexing.NDArrayIndex.all()));
      log.accept(
          String.format(
              "%s: %s has %d positions, the model's context is %d (model.block-size): using the"
                  + " first %d",
              file, name, rows, shape[0], shape[0]));
    }
    return out;
  }

  /** Which tensor of the file each parameter comes from, and the checks of shape. */
  private static final class Mapping {
    final Safetensors st;
    final GptConfig c;
    final String prefix;

    /** The file's names of the tensors the model reads, filled by {@link #check}. */
    final java.util.Set<String> expected = new java.util.HashSet<>();

    Mapping(Safetensors st, GptConfig c) {
      this.st = requireNonNull(st, "st");
      this.c = requireNonNull(c, "c");
      this.prefix = st.tensors().containsKey("transformer.wte.weight") ? "transformer." : "";
    }

    String fileName(String param) {
      return switch (param) {
        case Gpt.WTE -> prefix + "wte.weight";
        case Gpt.WPE -> prefix + "wpe.weight";
        case HEAD -> HEAD;
        default -> prefix + param;
      };
    }

    void check() {
      Safetensors.Tensor wte = need("wte.weight", "a GPT-2 checkpoint's token embedding");
      long[] ws = wte.shape();
      if (ws.length != 2) {
        throw mismatch(wte, "a [vocabulary, width] matrix", "model.n-embd");
      }
      if (ws[1] != c.nEmbd()) {
        throw keyed(
            "its width (wte.weight " + wte.shapeText() + ") is " + ws[1],
            "model.n-embd = " + c.nEmbd(),
            "model.n-embd = " + ws[1]);
      }
      if (ws[0] > c.vocabSize()) {
        throw InputException.of(
            st.file(),
            "its vocabulary (wte.weight rows) is "
                + ws[0]
                + " tokens, the model's is "
                + c.vocabSize()
                + " (the dataset's tokenizer, rounded up by model.pad-vocab-to)",
            "Evaluate it on a dataset prepared with the tokenizer it was trained with (gpt2 for"
                + " GPT-2)");
      }
      Safetensors.Tensor wpe = need("wpe.weight", "a GPT-2 checkpoint's position embedding");
      if (wpe.shape().length != 2 || wpe.shape()[1] != c.nEmbd()) {
        throw mismatch(wpe, "[positions, " + c.nEmbd() + "]", "model.n-embd");
      }
      if (wpe.shape()[0] < c.blockSize()) {
        throw keyed(
            "it has " + wpe.shape()[0] + " positions (wpe.weight rows)",
            "model.block-size = " + c.blockSize(),
            "model.block-size = " + wpe.shape()[0] + " or less");
      }
      int layers = layers();
      if (layers != c.nLayer()) {
        throw keyed(
            "it has " + layers + " blocks (h.0 … h." + (layers - 1) + ")",
            "model.n-layer = " + c.nLayer(),
            "model.n-layer = " + layers);
      }
      boolean fileBias = st.tensors().containsKey(prefix + "h.0.attn.c_attn.bias");
      if (fileBias != c.bias()) {
        throw keyed(
            fileBias ? "it has biases (h.0.attn.c_attn.bias)" : "it has no biases",
            "model.bias = " + c.bias(),
            "model.bias = " + fileBias);
      }
      boolean fileHead = st.tensors().containsKey(HEAD);
      if (!c.tiedHead() && !fileHead) {
        throw keyed(
            "it has no lm_head.weight: its head is the token embedding",
            "model.tied-head = false",
            "model.tied-head = true");
      }
      int v = Math.toIntExact(ws[0]);
      for (int i = 0; i < c.nLayer(); i++) {
        String p = "h." + i + ".";
        int w = c.nEmbd();
        shape(p + "ln_1.weight", w);
        shape(p + "attn.c_attn.weight", w, 3 * w);
        shape(p + "attn.c_proj.weight", w, w);
        shape(p + "ln_2.weight", w);
        shape(p + "mlp.c_fc.weight", w, 4 * w);
        shape(p + "mlp.c_proj.weight", 4 * w, w);
        if (c.bias()) {
          shape(p + "ln_1.bias", w);
          shape(p + "attn.c_attn.bias", 3 * w);
          shape(p + "attn.c_proj.bias", w);
          shape(p + "ln_2.bias", w);
          shape(p + "mlp.c_fc.bias", 4 * w);
          shape(p + "mlp.c_proj.bias", w);
        }
      }
      shape("ln_f.weight", c.nEmbd());
      if (c.bias()) {
        shape("ln_f.bias", c.nEmbd());
      }
      if (fileHead) {
        Safetensors.Tensor h = st.tensors().get(HEAD);
        if (!Arrays.equals(h.shape(), new long[] {v, c.nEmbd()})) {
          throw mismatch(h, "[" + v + ", " + c.nEmbd() + "] as wte.weight", "model.n-embd");
        }
      }
      unknown();
    }

    /** Blocks in the file: one more than the highest {@code h.<i>}. */
    private int layers() {
      int max = -1;
      for (String name : st.tensors().keySet()) {
        Matcher m = BLOCK.matcher(strip(name));
        if (m.matches()) {
          max = Math.max(max, Integer.parseInt(m.group(1)));
        }
      }
      return max + 1;
    }

    /**
     * Fails on tensors the model would not read (other than the mask buffers): the file holds
     * another architecture, or biases a model without them would drop.
     */
    private void unknown() {
      List<String> odd = new ArrayList<>();
      for (String name : st.tensors().keySet()) {
        String s = strip(name);
        boolean buffer = IGNORED.stream().anyMatch(s::endsWith) && BLOCK.matcher(s).matches();
        if (!expected.contains(name) && !buffer && !name.equals(HEAD)) {
          odd.add(name);
        }
      }
      if (!odd.isEmpty()) {
        boolean biases = odd.stream().allMatch(n -> n.endsWith(".bias"));
        throw InputException.of(
            st.file(),
            "holds tensors the model has no parameter for: "
                + odd.subList(0, Math.min(5, odd.size()))
                + (odd.size() > 5 ? " and " + (odd.size() - 5) + " more" : ""),
            biases
                ? "Set model.bias = true (these weights have biases)"
                : "Give a Hugging Face GPT-2 checkpoint (GPT2LMHeadModel or GPT2Model)");
      }
    }

    private String strip(String name) {
      return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    private Safetensors.Tensor need(String name, String what) {
      Safetensors.Tensor t = st.tensors().get(prefix + name);
      expected.add(prefix + name);
      if (t == null) {
        throw InputException.of(
            st.file(),
            "has no tensor '" + prefix + name + "' (" + what + ")",
            "Give a Hugging Face GPT-2 checkpoint (GPT2LMHeadModel or GPT2Model)");
      }
      return t;
    }

    private void shape(String name, long... dims) {
      Safetensors.Tensor t = need(name, "the model has this parameter");
      if (!Arrays.equals(t.shape(), dims)) {
        throw mismatch(t, Arrays.toString(dims), "model.n-embd");
      }
    }

    private InputException mismatch(Safetensors.Tensor t, String expected, String key) {
      return InputException.of(
          st.file(),
          "tensor '" + t.name() + "' is " + t.shapeText() + ", the model needs " + expected,
          "Check " + key + " and the other shape keys of the model section");
    }

    private InputException keyed(String fileSays, String modelHas, String set) {
      return InputException.of(
          st.file(), fileSays + ", the model has " + modelHas, "Set " + set + " for these weights");
    }
  }
}
