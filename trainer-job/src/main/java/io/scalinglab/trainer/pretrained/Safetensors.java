package io.scalinglab.trainer.pretrained;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.store.Json;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A {@code .safetensors} file opened for reading, the format Hugging Face stores weights in: an
 * 8-byte little-endian header length n, n bytes of JSON ({@code {name: {dtype, shape, data_offsets:
 * [begin, end]}}} and an optional {@code __metadata__} map of strings), then the tensors' raw
 * little-endian bytes, offsets counted from the end of the header.
 *
 * <p>Opening reads and checks the header only: every tensor's byte range must match its dtype and
 * shape and lie inside the file, so a truncated file fails at once, naming the first tensor it cut.
 * Tensors are then read one at a time by positioned reads, through any Hadoop FileSystem ({@code
 * file://}, {@code hdfs://}), as float or double from F32, F16, BF16 or F64. Not thread-safe.
 */
public final class Safetensors implements Closeable {
  /** The format's own limit on the header (safetensors' {@code MAX_HEADER_SIZE}). */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final ObjectMapper JSON = Json.MAPPER;

  /** The dtypes this reader converts to float and double. */
  static final java.util.List<String> READABLE = java.util.List.of("F32", "F16", "BF16", "F64");

  private final String file;
  private final FSDataInputStream in;
  private final long dataStart;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;
  private final String fingerprint;

  /**
   * One tensor as the header describes it.
   *
   * @param begin first byte, counted from the end of the header
   * @param end one past the last byte
   */
  public record Tensor(String name, String dtype, long[] shape, long begin, long end) {
    /** How many elements the shape holds (1 for a scalar). */
    public long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    /** The shape as {@code [d0, d1]}. */
    public String shapeText() {
      return Arrays.toString(shape);
    }
  }

  private Safetensors(
      String file,
      FSDataInputStream in,
      long dataStart,
      Map<String, Tensor> tensors,
      Map<String, String> metadata,
      String fingerprint) {
    this.fingerprint = fingerprint;
    this.file = file;
    this.in = in;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens {@code path}, a local path or any Hadoop URI, and checks its header.
   *
   * @throws InputException naming the file if it is missing, truncated or its header is not one
   */
  public static Safetensors open(String path, Configuration conf) {
    requireNonNull(path, "path");
    Path p = new Path(path);
    try {
      return open(p.getFileSystem(requireNonNull(conf, "conf")), p);
    } catch (IOException e) {
      throw new StoreException("cannot reach the file system of " + path + ": " + e, e);
    }
  }

  /**
   * Opens {@code path} on {@code fs} and checks its header.
   *
   * @throws InputException naming the file if it is missing, truncated or its header is not one
   */
  public static Safetensors open(FileSystem fs, Path path) {
    requireNonNull(fs, "fs");
    requireNonNull(path, "path");
    String file = path.toString();
    FSDataInputStream in;
    long length;
    try {
      length = fs.getFileStatus(path).getLen();
      in = fs.open(path);
    } catch (FileNotFoundException e) {
      throw InputException.of(
          file, "no such file", "Check model.init-from (a path or URI of a .safetensors file)");
    } catch (IOException e) {
      throw new StoreException("cannot open " + file + ": " + e, e);
    }
    boolean ok = false;
    try {
      Safetensors s = readHeader(file, in, length);
      ok = true;
      return s;
    } finally {
      if (!ok) {
        closeQuietly(in);
      }
    }
  }

  private static Safetensors readHeader(String file, FSDataInputStream in, long length) {
    if (length < 8) {
      throw truncated(file, "it holds " + length + " bytes, fewer than the 8 of the header length");
    }
    byte[] lenBytes = readAt(file, in, 0, 8);
    long n = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 2 || n > MAX_HEADER_BYTES) {
      throw badHeader(file, "declares a header of " + n + " bytes (the format allows 2 to 1e8)");
    }
    if (8 + n > length) {
      throw truncated(
          file, "it declares a header of " + n + " bytes but holds " + length + " in all");
    }
    JsonNode header;
    byte[] headerBytes = readAt(file, in, 8, (int) n);
    try {
      header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw badHeader(
          file, "its header is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (header == null || !header.isObject()) {
      throw badHeader(file, "its header is not a JSON object");
    }
    long dataLength = length - 8 - n;
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        e.getValue()
            .fields()
            .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      Tensor t = tensor(file, e.getKey(), e.getValue());
      if (t.end() > dataLength) {
        throw truncated(
            file,
            "tensor '"
                + t.name()
                + "' ends at data byte "
                + t.end()
                + " but the file holds "
                + dataLength
                + " data bytes");
      }
      tensors.put(t.name(), t);
    }
    return new Safetensors(
        file,
        in,
        8 + n,
        Collections.unmodifiableMap(tensors),
        Collections.unmodifiableMap(metadata),
        length + ":" + sha256(headerBytes));
  }

  private static String sha256(byte[] b) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static Tensor tensor(String file, String name, JsonNode v) {
    JsonNode dtype = v.path("dtype");
    JsonNode shape = v.path("shape");
    JsonNode offsets = v.path("data_offsets");
    if (!dtype.isTextual() || !shape.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw badHeader(
          file, "tensor '" + name + "' lacks a dtype, shape or [begin, end] data_offsets: " + v);
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
        throw badHeader(file, "tensor '" + name + "' has shape " + shape);
      }
      dims[i] = shape.get(i).asLong();
    }
    long begin = offsets.get(0).asLong(-1);
    long end = offsets.get(1).asLong(-1);
    if (!offsets.get(0).canConvertToLong() || begin < 0 || end < begin) {
      throw badHeader(file, "tensor '" + name + "' has data_offsets " + offsets);
    }
    Tensor t = new Tensor(name, dtype.asText(), dims, begin, end);
    int size = elementBytes(t.dtype());
    if (size > 0 && end - begin != t.elements() * size) {
      throw badHeader(
          file,
          "tensor '"
              + name
              + "' of "
              + t.dtype()
              + " "
              + t.shapeText()
              + " needs "
              + t.elements() * size
              + " bytes, its data_offsets give "
              + (end - begin));
    }
    return t;
  }

  /** Bytes per element of a safetensors dtype, or 0 for one this reader does not know. */
  static int elementBytes(String dtype) {
    return switch (dtype) {
      case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3" -> 1;
      case "I16", "U16", "F16", "BF16" -> 2;
      case "I32", "U32", "F32" -> 4;
      case "I64", "U64", "F64" -> 8;
      default -> 0;
    };
  }

  /** The file as it was named. */
  public String file() {
    return file;
  }

  /** Every tensor of the header by name, in the header's order. */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** A tensor of the header, or empty. */
  public Optional<Tensor> tensor(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  /**
   * The file's length and the SHA-256 of its header, {@code <bytes>:<hex>}: changes with any
   * tensor's name, dtype, shape or place, read without reading the weights.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** The header's {@code __metadata__}, empty if it has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The values of tensor {@code name} in row-major order, as float (F64 rounded to nearest).
   *
   * @throws InputException naming the file and tensor if it is missing or of another dtype
   */
  public float[] floats(String name) {
    Tensor t = require(name);
    ByteBuffer b = bytes(t);
    float[] out = new float[(int) t.elements()];
    switch (t.dtype()) {
      case "F32" -> b.asFloatBuffer().get(out);
      case "F64" -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) b.getDouble();
        }
      }
      case "F16" -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = halfToFloat(b.getShort());
        }
      }
      case "BF16" -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
        }
      }
      default -> throw unsupported(t);
    }
    return out;
  }

  /**
   * The values of tensor {@code name} in row-major order, as double (exact from every dtype read).
   *
   * @throws InputException naming the file and tensor if it is missing or of another dtype
   */
  public double[] doubles(String name) {
    Tensor t = require(name);
    if (t.dtype().equals("F64")) {
      double[] out = new double[(int) t.elements()];
      bytes(t).asDoubleBuffer().get(out);
      return out;
    }
    float[] f = floats(name);
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  private Tensor require(String name) {
    Tensor t = tensors.get(requireNonNull(name, "name"));
    if (t == null) {
      throw InputException.of(
          file,
          "has no tensor '" + name + "'; it has " + tensors.size() + " others",
          "Check that the file holds the model the config describes");
    }
    if (!READABLE.contains(t.dtype())) {
      throw unsupported(t);
    }
    if (t.elements() > Integer.MAX_VALUE - 8) {
      throw InputException.of(
          file,
          "tensor '" + name + "' has " + t.elements() + " elements, more than one array holds",
          "Use a smaller model");
    }
    return t;
  }

  private ByteBuffer bytes(Tensor t) {
    byte[] raw = readAt(file, in, dataStart + t.begin(), (int) (t.end() - t.begin()));
    return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
  }

  private InputException unsupported(Tensor t) {
    return InputException.of(
        file,
        "tensor '"
            + t.name()
            + "' is "
            + t.dtype()
            + "; this reader converts "
            + String.join(", ", READABLE),
        "Save the weights in one of those dtypes");
  }

  private static byte[] readAt(String file, FSDataInputStream in, long position, int length) {
    byte[] b = new byte[length];
    try {
      in.readFully(position, b);
    } catch (EOFException e) {
      throw truncated(file, "it ended before byte " + (position + length));
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e, e);
    }
    return b;
  }

  /** An IEEE 754 half-precision value as float, exactly (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) { // infinity or NaN
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) { // zero or subnormal: mant · 2^-24
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  private static InputException truncated(String file, String problem) {
    return InputException.of(file, "is truncated: " + problem, "Download or copy the file again");
  }

  private static InputException badHeader(String file, String problem) {
    return InputException.of(
        file,
        "is not a safetensors file: " + problem,
        "Give a .safetensors file (Hugging Face's model.safetensors)");
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // Nothing was read from it that could be lost.
    }
  }

  @Override
  public void close() {
    closeQuietly(in);
  }
}
