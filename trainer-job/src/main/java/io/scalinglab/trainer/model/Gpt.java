package io.scalinglab.trainer.model;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.store.LayerOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GPT-2 as nanoGPT's {@code model.py} defines it, as a SameDiff graph: token and learned position
 * embeddings; {@code nLayer} pre-LayerNorm blocks of causal multi-head self-attention and a 4× GELU
 * MLP; a final LayerNorm; an output head tied to the token embedding unless configured otherwise.
 * GELU ({@code erf} or GPT-2's {@code tanh}), the LayerNorms' epsilon and the dropout probability
 * come from the {@link GptConfig}, with PyTorch's formulas. With dropout above 0 the graph takes
 * the masks as placeholders: {@link Dropout}'s in {@link #lossAndGradients(int[], int[], long)},
 * ones everywhere else (0 by default, as in the paper's runs).
 *
 * <p>Two choices differ from a textbook SameDiff model, both because of measured Deeplearning4j
 * 1.0.0-M2.1 behaviour (see DESIGN.md):
 *
 * <ul>
 *   <li>The token embedding lookup runs outside the graph ({@code pullRows}), and its gradient is
 *       scatter-added into the embedding's gradient. SameDiff's {@code gather} gradient assigns
 *       instead of adding (repeated tokens lose gradient) and loops per index; a one-hot matmul
 *       would cost O(tokens × vocabulary).
 *   <li>Attention is matmul, an additive causal mask and softmax, because the library's attention
 *       ops take key masks, not causal ones.
 * </ul>
 *
 * <p>GELU is not the library's {@code preciseGelu}, which in 1.0.0-M2.1 computes {@code x/2 · (1 +
 * tanh(√(2/π)(x + (0.044715·x)³)))}: it cubes the product where GPT-2's tanh approximation cubes x
 * alone, differs from nanoGPT's exact-erf GELU by up to 0.03 (x = 2.5: 2.4547 against 2.4845), and
 * its gradient op is not its derivative (off by 2.6e-5 at x = 1). Nor is LayerNorm the library's
 * {@code layer_norm}, which has no epsilon (a constant row gives NaN). The blocks are {@link
 * TransformerBlocks}, which the testbed's {@link TokenRegressor} shares.
 */
public final class Gpt implements LanguageModel {
  /** Name of the token embedding, also the tied output head. */
  public static final String WTE = "wte";

  /** Name of the learned position embedding. */
  public static final String WPE = "wpe";

  /** Names of hidden states a caller can ask for: the token plus position embedding. */
  public static final String EMB = LayerOrder.EMBEDDING;

  /** The last block's output. */
  public static final String FINAL_BLOCK = LayerOrder.FINAL_BLOCK;

  /** After the final LayerNorm. */
  public static final String LN_F = LayerOrder.FINAL_NORM;

  /** An older name of {@link #LN_F}, still accepted. */
  public static final String FINAL_LN = "ln_f_out";

  private static final String TOKENS = "tok_emb";
  private static final String TARGETS = "targets";
  private static final String LOSS = "loss";
  private static final String LOGITS = "logits";

  private final GptConfig config;
  private final DataType dtype;
  private final SameDiff sd;
  private final TransformerBlocks body;
  private final List<String> paramNames = new ArrayList<>();
  private final List<String> gradNames = new ArrayList<>();

  /** Masks fed as ones where nothing drops, by batch size. */
  private final Map<Integer, Map<String, INDArray>> noDropout = new HashMap<>();

  /**
   * A model with nanoGPT's initialisation: normal(0, 0.02) weights, residual projections scaled by
   * 1/sqrt(2 nLayer), zero biases, unit LayerNorm gains; seeded, so the same seed gives the same
   * weights.
   */
  public Gpt(GptConfig config, long seed) {
    this(config, seed, DataType.FLOAT);
  }

  /** As {@link #Gpt(GptConfig, long)}, computing in {@code dtype} (FLOAT, or DOUBLE for checks). */
  public Gpt(GptConfig config, long seed, DataType dtype) {
    this.config = requireNonNull(config, "config");
    this.dtype = requireNonNull(dtype, "dtype");
    this.sd = SameDiff.create();
    this.body =
        new TransformerBlocks(sd, dtype, config.bias(), config.gelu(), config.layerNormEps());
    SplittableRandom rnd = new SplittableRandom(seed);
    int c = config.nEmbd();
    int t = config.blockSize();
    double std = TransformerBlocks.STD;

    SDVariable wteVar = body.param(WTE, TransformerBlocks.normal(rnd, std, config.vocabSize(), c));
    SDVariable wpe = body.param(WPE, TransformerBlocks.normal(rnd, std, t, c));

    // A variable, not a placeholder: SameDiff returns gradients only for variables, and the
    // lookup's gradient is what the scatter-add needs. Its value is set before every pass.
    SDVariable tok = sd.var(TOKENS, Nd4j.zeros(dtype, t, c));
    SDVariable targets = sd.placeHolder(TARGETS, DataType.INT, -1);
    // [B*T, C] -> [B, T, C], plus the position embedding broadcast over the batch
    SDVariable h = tok.reshape(-1, t, c).add(wpe).reshape(-1, c);
    sd.identity(EMB, h);
    boolean dropout = config.dropout() > 0;
    if (dropout) {
      h = body.dropout("drop", Dropout.EMBEDDING, h, t, c);
    }

    SDVariable mask = sd.constant("causal_mask", causalMask(t).castTo(dtype));
    h = body.blocks(h, config.nLayer(), config.nHead(), c, t, mask, dropout, rnd);
    sd.identity(FINAL_BLOCK, h);
    SDVariable out = body.layerNorm("ln_f", h, c);
    sd.identity(FINAL_LN, out);
    SDVariable head =
        config.tiedHead()
            ? wteVar
            : body.param(
                "lm_head.weight", TransformerBlocks.normal(rnd, std, config.vocabSize(), c));
    SDVariable logits = sd.mmul(LOGITS, out, head, false, true, false);
    // Mean cross-entropy written out: log-softmax picked at the target. The library's
    // sparseSoftmaxCrossEntropy gave 5.19 where the true mean was 5.57 (random targets, V = 256).
    SDVariable onehot = sd.oneHot(targets, config.vocabSize(), -1, 1.0, 0.0, dtype);
    SDVariable picked = sd.nn.logSoftmax(logits).mul(onehot).sum(1);
    SDVariable loss = picked.mean().neg().rename(LOSS);
    sd.setLossVariables(loss);
    paramNames.addAll(body.paramNames());
    gradNames.addAll(paramNames);
    gradNames.add(TOKENS);
  }

  /** The graph, for profiling and tests in this package. */
  SameDiff graph() {
    return sd;
  }

  @Override
  public GptConfig config() {
    return config;
  }

  /** Every parameter by name, the arrays the graph trains (updating them in place updates it). */
  @Override
  public Map<String, INDArray> params() {
    return body.params();
  }

  /** Replaces every parameter's values (shapes must match), e.g. from a checkpoint. */
  @Override
  public void loadParams(Map<String, INDArray> values) {
    body.load(values);
  }

  /**
   * Mean cross-entropy of one batch and the gradient of every parameter, without dropout.
   *
   * @param x token ids, row-major [batch, block]
   * @param y next-token targets, same shape
   */
  @Override
  public Step lossAndGradients(int[] x, int[] y) {
    return step(x, feed(x, y));
  }

  /**
   * As {@link LanguageModel#lossAndGradients(int[], int[], long)}: dropout from the seed's masks.
   */
  @Override
  public Step lossAndGradients(int[] x, int[] y, long dropoutSeed) {
    Map<String, INDArray> feed = feed(x, y);
    if (config.dropout() > 0) {
      int windows = x.length / config.blockSize();
      for (TransformerBlocks.MaskInput m : body.masks()) {
        INDArray mask = Nd4j.create(dtype, shape(m, windows));
        Dropout.fill(
            mask, config.dropout(), dropoutSeed, m.place(), 0, (int) (mask.length() / windows));
        feed.put(m.name(), mask);
      }
    }
    return step(x, feed);
  }

  private Step step(int[] x, Map<String, INDArray> feed) {
    OutAndGrad both = sd.calculateGradientsAndOutputs(feed, List.of(LOSS), gradNames);
    Map<String, INDArray> out = both.getGradients();
    Map<String, INDArray> grads = new LinkedHashMap<>();
    for (String n : paramNames) {
      grads.put(n, out.get(n));
    }
    INDArray tokGrad = out.get(TOKENS);
    INDArray wteGrad = grads.get(WTE);
    if (wteGrad == null) { // untied head: the embedding is used by the lookup only
      wteGrad = sd.getVariable(WTE).getArr().ulike();
    }
    // The lookup's gradient: row i of tokGrad belongs to token x[i]; repeated tokens add.
    INDArray[] added = Nd4j.exec(new ScatterAdd(wteGrad, Nd4j.createFromArray(x), tokGrad));
    grads.put(WTE, added[0]);
    return new Step(both.getOutputs().get(LOSS).getDouble(0), grads);
  }

  /** The loss and gradients of one batch. */
  public record Step(double loss, Map<String, INDArray> grads) {}

  /** Mean cross-entropy of one batch, forward pass only. */
  @Override
  public double loss(int[] x, int[] y) {
    return sd.output(feed(x, y), LOSS).get(LOSS).getDouble(0);
  }

  /** Logits [batch*block, vocab] of a batch of token ids [batch, block]. */
  @Override
  public INDArray logits(int[] x) {
    return sd.output(feed(x, new int[x.length]), LOGITS).get(LOGITS);
  }

  @Override
  public INDArray hidden(int[] x, String name) {
    return hiddenStates(x, List.of(name)).get(name);
  }

  /** Every named state from one pass of the graph, without dropout. */
  @Override
  public Map<String, INDArray> hiddenStates(int[] x, List<String> names) {
    List<String> nodes = new ArrayList<>();
    for (String n : names) {
      nodes.add(node(LanguageModel.hiddenStateName(n, config.nLayer())));
    }
    Map<String, INDArray> out = sd.output(feed(x, new int[x.length]), nodes.toArray(new String[0]));
    Map<String, INDArray> states = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      states.put(names.get(i), out.get(nodes.get(i)));
    }
    return states;
  }

  /** The graph's variable that holds a hidden state. */
  private static String node(String state) {
    return state.equals(LN_F) ? FINAL_LN : state;
  }

  /** Tokens, targets and, with dropout configured, masks of ones: a pass without dropout. */
  private Map<String, INDArray> feed(int[] x, int[] y) {
    if (x.length != y.length || x.length % config.blockSize() != 0) {
      throw new IllegalArgumentException(
          "x and y must both hold whole windows of " + config.blockSize() + " tokens");
    }
    setTokens(x);
    Map<String, INDArray> feed = new HashMap<>();
    feed.put(TARGETS, Nd4j.createFromArray(y));
    int windows = x.length / config.blockSize();
    for (TransformerBlocks.MaskInput m : body.masks()) {
      Map<String, INDArray> ones = noDropout.computeIfAbsent(windows, k -> new HashMap<>());
      feed.put(m.name(), ones.computeIfAbsent(m.name(), k -> Nd4j.ones(dtype, shape(m, windows))));
    }
    return feed;
  }

  /** The shape of mask {@code m} for a batch of {@code windows} windows. */
  private static long[] shape(TransformerBlocks.MaskInput m, int windows) {
    long[] s = m.shape().clone();
    s[0] = (long) windows * m.rowsPerWindow();
    return s;
  }

  private void setTokens(int[] x) {
    if (x.length % config.blockSize() != 0) {
      throw new IllegalArgumentException(
          "x must hold whole windows of " + config.blockSize() + " tokens, got " + x.length);
    }
    sd.getVariable(TOKENS).setArray(embed(x));
  }

  /** Rows of the token embedding for each token: [n, width]. */
  private INDArray embed(int[] x) {
    for (int token : x) {
      if (token < 0 || token >= config.vocabSize()) {
        throw new IllegalArgumentException(
            "token " + token + " is outside the vocabulary of " + config.vocabSize());
      }
    }
    // The graph's own array: the optimizer updates it in place.
    return Nd4j.pullRows(sd.getVariable(WTE).getArr(), 1, x);
  }

  /** 0 where a position may attend (itself and earlier), a large negative number elsewhere. */
  static INDArray causalMask(int t) {
    float[] m = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        m[i * t + j] = -1e9f;
      }
    }
    return Nd4j.create(m, new long[] {t, t}, DataType.FLOAT);
  }
}
