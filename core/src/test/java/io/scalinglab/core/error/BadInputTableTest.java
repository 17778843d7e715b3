package io.scalinglab.core.error;

import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SweepSettings;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.format.TokenShards;
import io.scalinglab.core.testing.BadInput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table over the inputs core reads (config values given by {@code --set}, {@code .npy} files,
 * token shards): each bad input fails with the project's exception, and its message names the
 * input, the problem and the fix. Per-format details live in each format's own test; this table
 * checks the three-part message uniformly.
 */
class BadInputTableTest {
  static Stream<BadInput> cases() throws IOException {
    byte[] npy = npy();
    return Stream.of(
        new BadInput(
            "npy: wrong magic",
            npyRead("PK\3\4 zip".getBytes(StandardCharsets.ISO_8859_1)),
            "in.npy",
            "not a .npy file",
            "numpy.save"),
        new BadInput(
            "npy: empty file", npyRead(new byte[0]), "in.npy", "not a .npy file", "numpy.save"),
        new BadInput(
            "npy: int64 dtype",
            npyRead(withHeader("'<i8'", "(1, 1)", 8)),
            "in.npy",
            "'<i8'",
            "astype(np.float32)"),
        new BadInput(
            "npy: rank 1", npyRead(withHeader("'<f4'", "(6,)", 24)), "in.npy", "rank 1", "reshape"),
        new BadInput(
            "npy: rank 3",
            npyRead(withHeader("'<f4'", "(2, 3, 4)", 96)),
            "in.npy",
            "(2, 3, 4)",
            "reshape"),
        new BadInput(
            "npy: truncated data",
            npyRead(Arrays.copyOf(npy, npy.length - 3)),
            "in.npy",
            "expected 24 bytes",
            "write it again"),
        new BadInput(
            "npy: huge declared shape",
            npyRead(withHeader("'<f4'", "(4294967296, 4294967296)", 8)),
            "in.npy",
            "too many values",
            "Split the activations"),
        new BadInput(
            "token shard: odd length",
            () -> TokenShards.readAll(new ByteArrayInputStream(new byte[7]), "val.bin", 0),
            "val.bin",
            "odd byte length 7",
            "uint16 little-endian"),
        new BadInput(
            "token shard: token outside the vocabulary",
            () ->
                TokenShards.readAll(
                    new ByteArrayInputStream(new byte[] {1, 0, -1, -1}), "train.bin", 256),
            "train.bin",
            "token 65535 at position 1",
            "tokenizer"),
        new BadInput(
            "config: unknown key",
            set("train.learning-rate=0.1"),
            "train.learning-rate",
            "unknown key",
            "the closest valid key is"),
        new BadInput(
            "config: value out of range",
            set("train.lr=2"),
            "train.lr",
            "must be in (0, 1]",
            "--set train.lr=2"),
        new BadInput(
            "config: wrong type",
            set("train.max-steps=many"),
            "train.max-steps",
            "expected a whole number",
            "--set train.max-steps=many"),
        new BadInput(
            "config: not one of the allowed values",
            set("dataset.tokenizer=utf9"),
            "dataset.tokenizer",
            "utf9",
            "byte"),
        new BadInput(
            "config: sweep models hold other keys",
            set("sweep.models=[{lr=1}]"),
            "sweep.models",
            "lr",
            "model"),
        new BadInput(
            "config: stale limit below the heartbeat",
            set("sweep.lock-heartbeat=30", "sweep.lock-stale-after=10"),
            "sweep.lock-stale-after",
            "must be longer than sweep.lock-heartbeat",
            "taken over"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void messageNamesTheInputTheProblemAndTheFix(BadInput c) {
    c.refusedWith(ScalinglabException.class);
  }

  static Executable npyRead(byte[] bytes) {
    return () -> Npy.read(new ByteArrayInputStream(bytes), "in.npy");
  }

  static Executable set(String... overrides) {
    return () -> {
      ScalinglabConfig c = ScalinglabConfig.load(List.of(), List.of(overrides));
      TrainSettings.fromConfig(c.resolved());
      SweepSettings.fromConfig(c.resolved());
    };
  }

  static byte[] npy() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.writeFloat32(out, new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    return out.toByteArray();
  }

  /** A version 1.0 .npy of {@code dataBytes} zero bytes under the header given. */
  static byte[] withHeader(String descr, String shape, int dataBytes) {
    String dict = "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + ", }";
    String header = dict + " ".repeat(118 - dict.length() - 1) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0});
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(new byte[dataBytes]);
    return out.toByteArray();
  }
}
