package io.scalinglab.trainer.checkpoint;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.optim.AdamW;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training checkpoints in the results store, one folder per saved step:
 *
 * <pre>
 * &lt;runDir&gt;/checkpoints/step-0001200/
 *   params/&lt;name&gt;.npy   adam_m/&lt;name&gt;.npy   adam_v/&lt;name&gt;.npy
 *   state.json
 * </pre>
 *
 * <p>Arrays are float32 {@code .npy} files that {@code numpy.load} reads. The format holds 2-D
 * arrays only, so an array of shape {@code (d0, d1, ...)} is stored as {@code (d0, d1 * ...)}, a
 * vector of n as {@code (1, n)} and a scalar as {@code (1, 1)}; {@code state.json} records the true
 * shapes under {@code tensors}, with the file of each parameter. Parameter names, which hold {@code
 * .} and {@code /}, become file names by percent-encoding every byte outside {@code [A-Za-z0-9._-]}
 * (and a leading {@code .} or {@code _}, which Hadoop treats as hidden), so the mapping is
 * reversible ({@link #fileName}, {@link #paramName}).
 *
 * <p>{@code state.json} holds {@code format_version}, {@code step}, {@code adam_step} and {@code
 * tensors}, then the caller's own entries at the top level, as nanoGPT's {@code ckpt.pt} holds
 * {@code iter_num}, {@code best_val_loss} and {@code config} beside the weights. The trainers write
 * {@code numerics} (engine, element-wise ops, threads, dtype, backend: what a resume must match,
 * see {@link Numerics}), {@code provenance} (build, platform, seeds and the resolved config) and
 * their counters and metric rows.
 *
 * <p>A checkpoint is built in a hidden temporary folder and committed with one rename ({@link
 * ResultsStore#commitDirectory}), so a folder named {@code step-*} is always complete, and a writer
 * that dies leaves only a hidden leftover that {@link #latest} ignores.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

  /** The layout version of a checkpoint folder; raise it when an old reader would misread one. */
  public static final int FORMAT_VERSION = 1;

  /** The keys {@code state.json} reserves for itself; the caller's state may not use them. */
  public static final Set<String> RESERVED_KEYS =
      Set.of("format_version", "step", "adam_step", "tensors");

  private static final String PARAMS = "params";
  private static final String ADAM_M = "adam_m";
  private static final String ADAM_V = "adam_v";
  private static final String STATE = "state.json";
  private static final String NPY = ".npy";
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{7,10})");

  /** A leftover of a crashed writer: {@code .step-NNNNNNN.tmp-<uuid>}. */
  private static final Pattern LEFTOVER = Pattern.compile("\\.step-(\\d{7,10})\\.tmp-.*");

  private Checkpoints() {}

  /**
   * A checkpoint as read back.
   *
   * @param step the training step it was saved at
   * @param params parameters by name, float32, in their saved shapes: new arrays, to be assigned
   *     into the model's own (then build the {@link AdamW} on those and {@link AdamW#restore} it)
   * @param adamStep the optimizer's step count
   * @param m AdamW's first moments by name
   * @param v AdamW's second moments by name
   * @param state the caller's entries of {@code state.json}, as JSON gives them back: integers as
   *     {@code Integer} or {@code Long} by size, fractions as {@code Double}, and NaN or infinite
   *     doubles as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; {@link
   *     #stateDouble} and {@link #stateLong} read numbers whatever their form
   */
  public record Loaded(
      int step,
      Map<String, INDArray> params,
      int adamStep,
      Map<String, INDArray> m,
      Map<String, INDArray> v,
      Map<String, Object> state) {

    /**
     * A number of {@link #state}, NaN and infinities included.
     *
     * @throws IllegalArgumentException if {@code key} is absent or not a number
     */
    public double stateDouble(String key) {
      Object value = state.get(key);
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      if (value instanceof String s) {
        switch (s) {
          case "NaN":
            return Double.NaN;
          case "Infinity":
            return Double.POSITIVE_INFINITY;
          case "-Infinity":
            return Double.NEGATIVE_INFINITY;
          default:
            break;
        }
      }
      throw new IllegalArgumentException(
          "checkpoint state '" + key + "' is " + value + ", not a number; keys: " + state.keySet());
    }

    /**
     * An integer of {@link #state}, whether JSON gave it back as {@code Integer} or {@code Long}.
     *
     * @throws IllegalArgumentException if {@code key} is absent or not an integer
     */
    public long stateLong(String key) {
      Object value = state.get(key);
      if (value instanceof Integer || value instanceof Long) {
        return ((Number) value).longValue();
      }
      throw new IllegalArgumentException(
          "checkpoint state '"
              + key
              + "' is "
              + value
              + ", not an integer; keys: "
              + state.keySet());
    }
  }

  /** The folder that holds a run's checkpoints: {@code <runDir>/checkpoints}. */
  public static Path dir(Path runDir) {
    return new Path(requireNonNull(runDir, "runDir"), "checkpoints");
  }

  /** The folder of the checkpoint at {@code step}: {@code <runDir>/checkpoints/step-NNNNNNN}. */
  public static Path stepDir(Path runDir, int step) {
    if (step < 0) {
      throw new IllegalArgumentException("'" + step + "' in step is invalid: must be 0 or more");
    }
    return new Path(dir(runDir), String.format("step-%07d", step));
  }

  /**
   * Saves a checkpoint of {@code step} and deletes all but the newest {@code keep}. If a checkpoint
   * of {@code step} is already committed (an earlier attempt of the same task), it is kept as it
   * is.
   *
   * @param params the parameters by name, float32; {@code opt} must have been built on the same
   *     names
   * @param state the caller's entries for {@code state.json}, JSON-serializable, none of {@link
   *     #RESERVED_KEYS}
   * @param keep how many checkpoints to keep, at least 1
   * @throws IllegalArgumentException if an argument is out of range or the names do not match
   * @throws StoreException if the store cannot be written; no partial checkpoint is left visible
   */
  public static void save(
      ResultsStore store,
      Path runDir,
      int step,
      Map<String, INDArray> params,
      AdamW opt,
      Map<String, Object> state,
      int keep) {
    requireNonNull(store, "store");
    requireNonNull(params, "params");
    requireNonNull(opt, "opt");
    requireNonNull(state, "state");
    Path finalDir = stepDir(runDir, step);
    if (keep < 1) {
      throw new IllegalArgumentException("'" + keep + "' in keep is invalid: must be 1 or more");
    }
    checkArguments(params, opt, state);
    if (store.exists(finalDir)) {
      LOG.info("checkpoint {} exists already; keeping it", finalDir);
    } else {
      write(store, finalDir, step, new TreeMap<>(params), opt, state);
    }
    prune(store, runDir, step, keep);
  }

  private static void checkArguments(
      Map<String, INDArray> params, AdamW opt, Map<String, Object> state) {
    if (!params.keySet().equals(opt.names())) {
      throw new IllegalArgumentException(
          "params " + new TreeMap<>(params).keySet() + " are not the optimizer's " + opt.names());
    }
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      fileName(e.getKey());
      if (e.getValue().dataType() != DataType.FLOAT) {
        throw new IllegalArgumentException(
            "parameter '"
                + e.getKey()
                + "' is "
                + e.getValue().dataType()
                + ": checkpoints hold float32 only");
      }
    }
    for (String key : state.keySet()) {
      if (RESERVED_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "state key '" + key + "' is reserved by the checkpoint format: " + RESERVED_KEYS);
      }
    }
  }

  private static void write(
      ResultsStore store,
      Path finalDir,
      int step,
      Map<String, INDArray> params,
      AdamW opt,
      Map<String, Object> state) {
    Path tmp = store.newTempDir(finalDir);
    boolean done = false;
    try {
      Map<String, Object> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, INDArray> e : params.entrySet()) {
        String name = e.getKey();
        String file = fileName(name);
        INDArray p = e.getValue();
        float[] values = (p.isView() || p.ordering() != 'c' ? p.dup('c') : p).data().asFloat();
        writeArray(store, new Path(new Path(tmp, PARAMS), file), values, p.shape());
        writeArray(
            store, new Path(new Path(tmp, ADAM_M), file), opt.momentFloats(name, false), p.shape());
        writeArray(
            store, new Path(new Path(tmp, ADAM_V), file), opt.momentFloats(name, true), p.shape());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("file", file);
        entry.put("shape", e.getValue().shape());
        tensors.put(name, entry);
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("format_version", FORMAT_VERSION);
      json.put("step", step);
      json.put("adam_step", opt.stepCount());
      json.putAll(state);
      json.put("tensors", tensors);
      store.writeJson(new Path(tmp, STATE), json);
      if (!store.commitDirectory(tmp, finalDir)) {
        LOG.info("checkpoint {} was committed by another attempt; keeping theirs", finalDir);
      }
      done = true;
    } finally {
      if (!done) {
        store.deleteQuietly(tmp);
      }
    }
  }

  private static void writeArray(ResultsStore store, Path target, float[] data, long[] shape) {
    // .npy here is 2-D: (d0, d1 * d2 * ...), a vector as (1, n), a scalar as (1, 1).
    long rows = shape.length < 2 ? 1 : shape[0];
    long cols = 1;
    for (int i = shape.length < 2 ? 0 : 1; i < shape.length; i++) {
      cols *= shape[i];
    }
    int r = Math.toIntExact(rows);
    int k = Math.toIntExact(cols);
    store.writeAtomically(target, out -> Npy.writeFloat32(out, data, r, k));
  }

  /**
   * The newest complete checkpoint of the run, or empty if there is none. Hidden leftovers of
   * interrupted writers are ignored; a committed checkpoint that cannot be read (damaged by hand,
   * say) is skipped with a warning in favour of the one before it.
   *
   * @throws StoreException if the checkpoints folder cannot be listed
   */
  public static Optional<Loaded> latest(ResultsStore store, Path runDir) {
    requireNonNull(store, "store");
    for (Map.Entry<Integer, Path> c : committed(store, runDir).descendingMap().entrySet()) {
      try {
        return Optional.of(load(store, c.getValue(), c.getKey()));
      } catch (ScalinglabException | IllegalArgumentException e) {
        LOG.warn(
            "skipping unreadable checkpoint {} ({}); trying the one before it",
            c.getValue(),
            e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * The steps of the run's committed checkpoints, oldest first.
   *
   * @throws StoreException if the checkpoints folder cannot be listed
   */
  public static List<Integer> steps(ResultsStore store, Path runDir) {
    return new ArrayList<>(committed(requireNonNull(store, "store"), runDir).keySet());
  }

  /**
   * The run's checkpoint of {@code step}.
   *
   * @throws InputException if there is none (the message lists the steps there are) or it cannot be
   *     read
   */
  public static Loaded at(ResultsStore store, Path runDir, int step) {
    Path folder = committed(requireNonNull(store, "store"), runDir).get(step);
    if (folder == null) {
      throw InputException.of(
          dir(runDir).toString(),
          "has no checkpoint of step " + step + "; it has " + steps(store, runDir),
          "Give one of those steps");
    }
    return load(store, folder, step);
  }

  /** The committed checkpoint folders by step, oldest first. */
  private static TreeMap<Integer, Path> committed(ResultsStore store, Path runDir) {
    TreeMap<Integer, Path> found = new TreeMap<>();
    for (FileStatus s : list(store, dir(runDir))) {
      Matcher m = STEP_DIR.matcher(s.getPath().getName());
      if (s.isDirectory() && m.matches()) {
        long step = Long.parseLong(m.group(1));
        if (step <= Integer.MAX_VALUE) {
          found.put((int) step, s.getPath());
        }
      }
    }
    return found;
  }

  private static List<FileStatus> list(ResultsStore store, Path dir) {
    try {
      return Arrays.asList(store.fs().listStatus(dir));
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e + ". Check the store", e);
    }
  }

  private static Loaded load(ResultsStore store, Path folder, int step) {
    Path statePath = new Path(folder, STATE);
    @SuppressWarnings("unchecked")
    Map<String, Object> json = store.readJson(statePath, LinkedHashMap.class);
    Object version = json.get("format_version");
    if (!Integer.valueOf(FORMAT_VERSION).equals(version)) {
      throw InputException.of(
          statePath.toString(),
          "checkpoint format version " + version + ", this build reads " + FORMAT_VERSION,
          "Resume with the build that wrote it, or start the run afresh");
    }
    int savedStep = intEntry(json, "step", statePath);
    if (savedStep != step) {
      throw InputException.of(
          statePath.toString(),
          "records step " + savedStep + " but sits in the folder of step " + step,
          "Delete the folder");
    }
    int adamStep = intEntry(json, "adam_step", statePath);
    if (!(json.get("tensors") instanceof Map<?, ?> tensors)) {
      throw InputException.of(
          statePath.toString(), "has no 'tensors' map", "Delete the folder; it is damaged");
    }
    Map<String, INDArray> params = new LinkedHashMap<>();
    Map<String, INDArray> m = new LinkedHashMap<>();
    Map<String, INDArray> v = new LinkedHashMap<>();
    for (Map.Entry<?, ?> t : tensors.entrySet()) {
      String name = String.valueOf(t.getKey());
      long[] shape = shapeOf(t.getValue(), name, statePath);
      String file = fileName(name);
      params.put(name, readArray(store, new Path(new Path(folder, PARAMS), file), shape));
      m.put(name, readArray(store, new Path(new Path(folder, ADAM_M), file), shape));
      v.put(name, readArray(store, new Path(new Path(folder, ADAM_V), file), shape));
    }
    Map<String, Object> state = new LinkedHashMap<>(json);
    state.keySet().removeAll(RESERVED_KEYS);
    return new Loaded(
        step,
        Collections.unmodifiableMap(params),
        adamStep,
        Collections.unmodifiableMap(m),
        Collections.unmodifiableMap(v),
        Collections.unmodifiableMap(state));
  }

  private static int intEntry(Map<String, Object> json, String key, Path statePath) {
    if (json.get(key) instanceof Integer i && i >= 0) {
      return i;
    }
    throw InputException.of(
        statePath.toString(),
        "'" + key + "' is " + json.get(key) + ", not a step count",
        "Delete the folder; it is damaged");
  }

  private static long[] shapeOf(Object entry, String name, Path statePath) {
    if (entry instanceof Map<?, ?> e && e.get("shape") instanceof List<?> dims) {
      long[] shape = new long[dims.size()];
      for (int i = 0; i < shape.length; i++) {
        if (!(dims.get(i) instanceof Integer d) || d < 0) {
          shape = null;
          break;
        }
        shape[i] = d;
      }
      if (shape != null) {
        return shape;
      }
    }
    throw InputException.of(
        statePath.toString(),
        "tensor '" + name + "' has no valid shape: " + entry,
        "Delete the folder; it is damaged");
  }

  private static INDArray readArray(ResultsStore store, Path file, long[] shape) {
    Npy.NpyArray a;
    try (InputStream in = store.fs().open(file)) {
      a = Npy.read(in, file.toString());
    } catch (FileNotFoundException e) {
      throw new StoreException(file + " is missing from its checkpoint", e);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e, e);
    }
    long length = 1;
    for (long d : shape) {
      length *= d;
    }
    if ((long) a.rows() * a.cols() != length || a.dtype() != Npy.Dtype.FLOAT32) {
      throw InputException.of(
          file.toString(),
          "holds " + a + ", expected float32 of shape " + Arrays.toString(shape),
          "Delete the checkpoint folder; it is damaged");
    }
    float[] data = a.toFloats();
    return shape.length == 0 ? Nd4j.scalar(data[0]) : Nd4j.create(data, shape, 'c');
  }

  /**
   * Deletes committed checkpoints older than the newest {@code keep}, and leftovers of interrupted
   * writers of steps before {@code savedStep} (a writer of an older step is obsolete).
   */
  private static void prune(ResultsStore store, Path runDir, int savedStep, int keep) {
    List<Path> old = new ArrayList<>(committed(store, runDir).values());
    for (Path p : old.subList(0, Math.max(0, old.size() - keep))) {
      store.deleteQuietly(p);
    }
    for (FileStatus s : list(store, dir(runDir))) {
      Matcher m = LEFTOVER.matcher(s.getPath().getName());
      if (m.matches() && Long.parseLong(m.group(1)) < savedStep) {
        store.deleteQuietly(s.getPath());
      }
    }
  }

  /**
   * The file name of parameter {@code name}: its UTF-8 bytes, with each outside {@code
   * [A-Za-z0-9._-]}, {@code %}, and a leading {@code .} or {@code _} written as {@code %XX}, then
   * {@code .npy}. {@code h.0.attn.c_attn.weight} stays {@code h.0.attn.c_attn.weight.npy}; {@code
   * a/b} becomes {@code a%2Fb.npy}.
   *
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static String fileName(String name) {
    requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a parameter name must not be empty");
    }
    StringBuilder sb = new StringBuilder(name.length() + NPY.length());
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      boolean plain =
          (b >= 'A' && b <= 'Z')
              || (b >= 'a' && b <= 'z')
              || (b >= '0' && b <= '9')
              || b == '-'
              || ((b == '.' || b == '_') && i > 0);
      if (plain) {
        sb.append((char) b);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    return sb.append(NPY).toString();
  }

  /**
   * The parameter name a {@link #fileName} came from.
   *
   * @throws IllegalArgumentException if {@code fileName} is not one
   */
  public static String paramName(String fileName) {
    requireNonNull(fileName, "fileName");
    if (!fileName.endsWith(NPY) || fileName.length() == NPY.length()) {
      throw new IllegalArgumentException("'" + fileName + "' is not a checkpoint array file name");
    }
    String stem = fileName.substring(0, fileName.length() - NPY.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(stem.length());
    for (int i = 0; i < stem.length(); i++) {
      char ch = stem.charAt(i);
      if (ch == '%' && i + 2 < stem.length()) {
        int hi = Character.digit(stem.charAt(i + 1), 16);
        int lo = Character.digit(stem.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("'" + fileName + "' has a bad escape at " + i);
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (ch < 0x80 && ch != '%') {
        bytes.write(ch);
      } else {
        throw new IllegalArgumentException(
            "'" + fileName + "' is not a checkpoint array file name");
      }
    }
    String name = bytes.toString(StandardCharsets.UTF_8);
    if (!fileName(name).equals(fileName)) {
      throw new IllegalArgumentException("'" + fileName + "' is not a checkpoint array file name");
    }
    return name;
  }
}
