package io.scalinglab.trainer.model;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.Gelu;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A transformer regressor on points of {@code R^D}, as Havrilla and Liao's theory sees the input:
 * the point is cut into {@code D/w} tokens of {@code w} coordinates, each embedded by one shared
 * linear map, plus a learned position embedding; {@code nLayer} encoder blocks (GPT's {@link
 * TransformerBlocks} without a mask, so every token attends to every other); a final LayerNorm; the
 * mean of the final states over tokens (or the first token's); a linear head to one number; the
 * mean squared error against the targets.
 *
 * <p>Initial weights follow nanoGPT (normal(0, 0.02), residual projections scaled by 1/√(2·nLayer))
 * except the input projection, which starts at 1/√w, the scale of PyTorch's {@code nn.Linear}: a
 * coordinate is a number of order 1/√D, not a one-hot row, and at 0.02 the point would be drowned
 * by the position embedding at the start.
 */
public final class TokenRegressor {
  /** Hidden states a caller can ask for: the last block's output, per token. */
  public static final String FINAL_BLOCK = "h_final";

  /** The pooled final state the head reads, one row per point. */
  public static final String POOLED = "h_pooled";

  private static final String X = "x";
  private static final String Y = "y";
  private static final String PRED = "prediction";
  private static final String LOSS = "loss";

  private final RegressorConfig config;
  private final DataType dtype;
  private final SameDiff sd;
  private final TransformerBlocks body;
  private final List<String> paramNames;

  /** A model seeded by {@code seed}, computing in float32. */
  public TokenRegressor(RegressorConfig config, long seed) {
    this(config, seed, DataType.FLOAT);
  }

  /** As {@link #TokenRegressor(RegressorConfig, long)} in {@code dtype} (DOUBLE for checks). */
  public TokenRegressor(RegressorConfig config, long seed, DataType dtype) {
    this.config = requireNonNull(config, "config");
    this.dtype = requireNonNull(dtype, "dtype");
    this.sd = SameDiff.create();
    // nanoGPT's GELU and LayerNorm epsilon; no dropout
    this.body = new TransformerBlocks(sd, dtype, config.bias(), Gelu.ERF, GptConfig.DEFAULT_EPS);
    SplittableRandom rnd = new SplittableRandom(seed);
    int c = config.nEmbd();
    int t = config.tokens();
    int w = config.tokenWidth();

    SDVariable x = sd.placeHolder(X, dtype, -1, w); // [B*T, w]: a point's tokens are its rows
    SDVariable y = sd.placeHolder(Y, dtype, -1);
    SDVariable tok = body.linear("tok_proj", x, w, c, rnd, 1 / Math.sqrt(w));
    SDVariable wpe = body.param("wpe", TransformerBlocks.normal(rnd, TransformerBlocks.STD, t, c));
    SDVariable h = tok.reshape(-1, t, c).add(wpe).reshape(-1, c);
    h = body.blocks(h, config.nLayer(), config.nHead(), c, t, null, false, rnd);
    sd.identity(FINAL_BLOCK, h);
    SDVariable out = body.layerNorm("ln_f", h, c).reshape(-1, t, c);
    SDVariable pooled =
        config.pooling() == RegressorConfig.Pooling.MEAN
            ? out.mean(1)
            : out.get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
    sd.identity(POOLED, pooled);
    SDVariable pred =
        body.linear("head", pooled, c, 1, rnd, TransformerBlocks.STD).reshape(-1).rename(PRED);
    SDVariable loss = pred.sub(y).mul(pred.sub(y)).mean().rename(LOSS);
    sd.setLossVariables(loss);
    this.paramNames = List.copyOf(body.paramNames());
  }

  public RegressorConfig config() {
    return config;
  }

  /** Every parameter by name: the graph's own arrays (updating them in place updates it). */
  public Map<String, INDArray> params() {
    return body.params();
  }

  /** Replaces every parameter's values (shapes must match), e.g. from a checkpoint. */
  public void loadParams(Map<String, INDArray> values) {
    body.load(values);
  }

  /** The loss of one batch and the gradient of every parameter. */
  public record Step(double loss, Map<String, INDArray> grads) {}

  /**
   * Mean squared error of one batch and its gradients.
   *
   * @param x points, row-major [batch, ambient]
   * @param y targets, one per point
   */
  public Step lossAndGradients(double[] x, double[] y) {
    OutAndGrad both = sd.calculateGradientsAndOutputs(feed(x, y), List.of(LOSS), paramNames);
    Map<String, INDArray> grads = new LinkedHashMap<>();
    for (String n : paramNames) {
      grads.put(n, both.getGradients().get(n));
    }
    return new Step(both.getOutputs().get(LOSS).getDouble(0), grads);
  }

  /** Mean squared error of one batch, forward pass only. */
  public double loss(double[] x, double[] y) {
    return sd.output(feed(x, y), LOSS).get(LOSS).getDouble(0);
  }

  /** The prediction for each point of {@code x} ([batch, ambient], row-major). */
  public double[] predict(double[] x) {
    return output(x, PRED).toDoubleVector();
  }

  /**
   * Hidden states at {@link #POOLED} ([batch, width]) or {@link #FINAL_BLOCK} ([batch·tokens,
   * width], a point's tokens in consecutive rows).
   */
  public INDArray hidden(double[] x, String name) {
    return output(x, name);
  }

  private INDArray output(double[] x, String name) {
    int points = points(x);
    Map<String, INDArray> feed = feed(x, new double[points]);
    return sd.output(feed, name).get(name);
  }

  private Map<String, INDArray> feed(double[] x, double[] y) {
    int points = points(x);
    if (y.length != points) {
      throw new IllegalArgumentException(
          "x holds " + points + " points but y holds " + y.length + " targets");
    }
    INDArray xs =
        Nd4j.createFromArray(x)
            .castTo(dtype)
            .reshape((long) points * config.tokens(), config.tokenWidth());
    return Map.of(X, xs, Y, Nd4j.createFromArray(y).castTo(dtype));
  }

  private int points(double[] x) {
    if (x.length == 0 || x.length % config.ambient() != 0) {
      throw new IllegalArgumentException(
          "x must hold whole points of " + config.ambient() + " coordinates, got " + x.length);
    }
    return x.length / config.ambient();
  }
}
