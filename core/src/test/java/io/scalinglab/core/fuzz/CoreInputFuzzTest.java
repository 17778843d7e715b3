package io.scalinglab.core.fuzz;

import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SweepSettings;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.testing.OwnExceptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing (jqwik) of the config parser and the {@code .npy} reader: whatever the
 * bytes, each returns or throws one of the project's own exceptions ({@code ScalinglabException}:
 * config and input errors with a message), never anything else, and never hangs. Each property runs
 * jqwik's default 1,000 tries; a try taking over {@link OwnExceptions#LIMIT} counts as a hang.
 */
class CoreInputFuzzTest {
  /** A valid config the mutations start from: keys of several sections and value types. */
  static final String VALID_CONFIG =
      """
      store.root = "file:///tmp/sl"
      dataset { name = "tiny", tokenizer = "byte", val-fraction = 0.05, source.paths = ["a.txt"] }
      model { n-layer = 2, n-head = 2, n-embd = 64, block-size = 32 }
      train { lr = 6e-4, max-steps = 100, batch-size = 8, sweep = "s" }
      sweep { models = [{n-layer = 1}], subsets = ["f1"], seeds = [1, 2] }
      """;

  static void parseConfig(String text) {
    Path file;
    try {
      file = Files.createTempFile("fuzz", ".conf");
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    try {
      ScalinglabConfig c = ScalinglabConfig.load(List.of(file), List.of());
      TrainSettings.fromConfig(c.resolved());
      SweepSettings.fromConfig(c.resolved());
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temporary file; the JVM's temp folder is cleaned elsewhere
      }
    }
  }

  @Property
  void configFileOfArbitraryText(@ForAll @Size(max = 400) String text) {
    OwnExceptions.only(() -> parseConfig(text));
  }

  @Property
  void configFileWithEditsOfAValidOne(@ForAll("editedConfigs") String text) {
    OwnExceptions.only(() -> parseConfig(text));
  }

  @Property
  void overrideOfArbitraryKeyAndValue(
      @ForAll("configKeys") String key, @ForAll @Size(max = 40) String value) {
    OwnExceptions.only(
        () -> {
          ScalinglabConfig c = ScalinglabConfig.load(List.of(), List.of(key + "=" + value));
          TrainSettings.fromConfig(c.resolved());
          SweepSettings.fromConfig(c.resolved());
        });
  }

  @Property
  void npyOfArbitraryBytes(@ForAll @Size(max = 300) byte[] bytes) {
    OwnExceptions.only(() -> Npy.read(new ByteArrayInputStream(bytes), "fuzz.npy"));
  }

  @Property
  void npyWithEditsOfAValidOne(@ForAll("editedNpy") byte[] bytes) {
    OwnExceptions.only(() -> Npy.read(new ByteArrayInputStream(bytes), "fuzz.npy"));
  }

  @Property
  void npyWithAnArbitraryHeader(@ForAll("npyHeaders") String header) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(h.length & 0xff);
    out.write((h.length >> 8) & 0xff);
    out.writeBytes(h);
    out.writeBytes(new byte[64]);
    OwnExceptions.only(() -> Npy.read(new ByteArrayInputStream(out.toByteArray()), "fuzz.npy"));
  }

  @Provide
  Arbitrary<String> editedConfigs() {
    return edits(VALID_CONFIG.getBytes(StandardCharsets.UTF_8))
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<byte[]> editedNpy() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Npy.writeFloat32(out, new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return edits(out.toByteArray());
  }

  @Provide
  Arbitrary<String> configKeys() {
    return Arbitraries.of(
        "train.lr",
        "train.max-steps",
        "train.batch-size",
        "model.n-embd",
        "dataset.val-fraction",
        "dataset.subsets.fractions",
        "sweep.models",
        "sweep.seeds",
        "sweep.lock-stale-after",
        "store.root",
        "spark.master",
        "id.k",
        "nonsense.key",
        "train");
  }

  /** Headers built from the pieces numpy writes, with shapes and dtypes that may be absurd. */
  @Provide
  Arbitrary<String> npyHeaders() {
    Arbitrary<String> dtype =
        Arbitraries.of("'<f4'", "'>f8'", "'<i4'", "'|u1'", "'<f2'", "''", "3");
    Arbitrary<String> order = Arbitraries.of("False", "True", "0", "None");
    Arbitrary<String> dim =
        Arbitraries.oneOf(
            Arbitraries.longs().between(-3, 5).map(Object::toString),
            Arbitraries.of("4294967296", "9223372036854775807", "99999999999999999999", "1.5"));
    Arbitrary<String> shape =
        dim.list()
            .ofMaxSize(3)
            .map(ds -> "(" + String.join(", ", ds) + (ds.size() == 1 ? ",)" : ")"));
    return Combinators.combine(dtype, order, shape)
        .as(
            (d, o, s) ->
                "{'descr': " + d + ", 'fortran_order': " + o + ", 'shape': " + s + ", }\n");
  }

  /** {@code valid} with up to 4 bytes overwritten, a cut at the end, or bytes inserted. */
  static Arbitrary<byte[]> edits(byte[] valid) {
    Arbitrary<byte[]> overwritten =
        Combinators.combine(
                Arbitraries.integers()
                    .between(0, valid.length - 1)
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(4),
                Arbitraries.bytes().list().ofSize(4))
            .as(
                (at, values) -> {
                  byte[] b = valid.clone();
                  for (int i = 0; i < at.size(); i++) {
                    b[at.get(i)] = values.get(i);
                  }
                  return b;
                });
    Arbitrary<byte[]> cut =
        Arbitraries.integers()
            .between(0, valid.length - 1)
            .map(n -> java.util.Arrays.copyOf(valid, n));
    Arbitrary<byte[]> inserted =
        Combinators.combine(
                Arbitraries.integers().between(0, valid.length),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8))
            .as(
                (at, more) -> {
                  byte[] b = new byte[valid.length + more.length];
                  System.arraycopy(valid, 0, b, 0, at);
                  System.arraycopy(more, 0, b, at, more.length);
                  System.arraycopy(valid, at, b, at + more.length, valid.length - at);
                  return b;
                });
    return Arbitraries.oneOf(overwritten, cut, inserted);
  }
}
