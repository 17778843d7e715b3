package io.scalinglab.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader on files written here byte by byte: dtypes, and every kind of damage. */
class SafetensorsTest {
  @TempDir Path tmp;

  /** A tensor to write: dtype, shape, raw little-endian bytes. */
  record Raw(String dtype, long[] shape, byte[] data) {}

  /** Writes a safetensors file of {@code tensors} in order; returns its path. */
  static Path write(Path file, Map<String, Raw> tensors, String metadata) throws IOException {
    StringBuilder h = new StringBuilder("{");
    if (metadata != null) {
      h.append("\"__metadata__\":").append(metadata).append(',');
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Map.Entry<String, Raw> e : tensors.entrySet()) {
      Raw r = e.getValue();
      h.append('"').append(e.getKey()).append("\":{\"dtype\":\"").append(r.dtype());
      h.append("\",\"shape\":").append(Arrays.toString(r.shape()).replace(" ", ""));
      h.append(",\"data_offsets\":[").append(data.size()).append(',');
      data.write(r.data());
      h.append(data.size()).append("]},");
    }
    h.setLength(h.length() - 1);
    h.append('}');
    return writeRaw(file, h.toString().getBytes(StandardCharsets.UTF_8), data.toByteArray());
  }

  static Path writeRaw(Path file, byte[] header, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length);
    b.order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header).put(data);
    Files.write(file, b.array());
    return file;
  }

  static Raw f32(long[] shape, float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return new Raw("F32", shape, b.array());
  }

  private static Safetensors open(Path p) {
    return Safetensors.open(p.toUri().toString(), new Configuration());
  }

  @Test
  void readsEveryFloatDtypeExactly() throws IOException {
    float[] values = {1f, -2.5f, 0.099975586f, 65504f, 6.1035156e-5f, 5.9604645e-8f};
    ByteBuffer half = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    // IEEE half: 1, -2.5, 0.1 rounded (0x2E66), the largest 65504, the smallest normal 2^-14,
    // the smallest subnormal 2^-24
    for (int bits : new int[] {0x3C00, 0xC100, 0x2E66, 0x7BFF, 0x0400, 0x0001}) {
      half.putShort((short) bits);
    }
    ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    bf16.putShort((short) 0x3F80).putShort((short) 0xC020); // 1, -2.5
    ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    f64.putDouble(0.1).putDouble(-3);
    Map<String, Raw> t = new LinkedHashMap<>();
    t.put("f32", f32(new long[] {2, 3}, values));
    t.put("f16", new Raw("F16", new long[] {6}, half.array()));
    t.put("bf16", new Raw("BF16", new long[] {1, 2}, bf16.array()));
    t.put("f64", new Raw("F64", new long[] {2}, f64.array()));
    t.put("scalar", f32(new long[] {}, 7f));
    try (Safetensors st = open(write(tmp.resolve("a.safetensors"), t, "{\"format\":\"pt\"}"))) {
      assertEquals(Map.of("format", "pt"), st.metadata());
      assertArrayEquals(new long[] {2, 3}, st.tensor("f32").orElseThrow().shape());
      assertArrayEquals(values, st.floats("f32"));
      assertArrayEquals(values, st.floats("f16"));
      assertArrayEquals(new float[] {1f, -2.5f}, st.floats("bf16"));
      assertArrayEquals(new double[] {0.1, -3}, st.doubles("f64"));
      assertArrayEquals(new float[] {0.1f, -3f}, st.floats("f64"));
      assertArrayEquals(new float[] {7f}, st.floats("scalar"));
      assertTrue(st.fingerprint().startsWith(Files.size(tmp.resolve("a.safetensors")) + ":"));
    }
  }

  @Test
  void halfPrecisionSpecialValues() {
    assertEquals(Float.POSITIVE_INFINITY, Safetensors.halfToFloat((short) 0x7C00));
    assertTrue(Float.isNaN(Safetensors.halfToFloat((short) 0x7E00)));
    assertEquals(-0f, Safetensors.halfToFloat((short) 0x8000));
    assertEquals(-5.9604645e-8f, Safetensors.halfToFloat((short) 0x8001));
  }

  @Test
  void aTruncatedFileNamesTheTensorItCut() throws IOException {
    Map<String, Raw> t = new LinkedHashMap<>();
    t.put("a", f32(new long[] {2}, 1, 2));
    t.put("h.0.mlp.c_fc.weight", f32(new long[] {2, 2}, 1, 2, 3, 4));
    Path whole = write(tmp.resolve("whole.safetensors"), t, null);
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = tmp.resolve("cut.safetensors");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
    InputException e = assertThrows(InputException.class, () -> open(cut));
    assertTrue(e.getMessage().contains("cut.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(e.getMessage().contains("h.0.mlp.c_fc.weight"), e.getMessage());

    Path stub = tmp.resolve("stub.safetensors");
    Files.write(stub, Arrays.copyOf(bytes, 20));
    e = assertThrows(InputException.class, () -> open(stub));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    Files.write(stub, new byte[] {1, 2, 3});
    e = assertThrows(InputException.class, () -> open(stub));
    assertTrue(e.getMessage().contains("fewer than the 8"), e.getMessage());
  }

  @Test
  void aBadHeaderIsNamedAsSuch() throws IOException {
    Path p = tmp.resolve("bad.safetensors");
    for (String header :
        new String[] {
          "not json at all",
          "[1, 2]",
          "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}",
          "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
          "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}"
        }) {
      writeRaw(p, header.getBytes(StandardCharsets.UTF_8), new byte[8]);
      InputException e = assertThrows(InputException.class, () -> open(p), header);
      assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
      assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
    }
    // A header length no file could have: a text file, say.
    Files.write(p, "hello, world, this is text".getBytes(StandardCharsets.UTF_8));
    InputException e = assertThrows(InputException.class, () -> open(p));
    assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
  }

  @Test
  void anUnsupportedDtypeOrMissingTensorFailsWhenRead() throws IOException {
    Map<String, Raw> t = new LinkedHashMap<>();
    t.put("ids", new Raw("I64", new long[] {1}, new byte[8]));
    try (Safetensors st = open(write(tmp.resolve("i.safetensors"), t, null))) {
      InputException e = assertThrows(InputException.class, () -> st.floats("ids"));
      assertTrue(e.getMessage().contains("'ids' is I64"), e.getMessage());
      assertTrue(e.getMessage().contains("F32, F16, BF16, F64"), e.getMessage());
      e = assertThrows(InputException.class, () -> st.floats("wte.weight"));
      assertTrue(e.getMessage().contains("no tensor 'wte.weight'"), e.getMessage());
      assertTrue(e.getMessage().contains("i.safetensors"), e.getMessage());
    }
  }

  @Test
  void aMissingFileSaysSo() {
    InputException e =
        assertThrows(InputException.class, () -> open(tmp.resolve("none.safetensors")));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    assertTrue(e.getMessage().contains("model.init-from"), e.getMessage());
  }
}
