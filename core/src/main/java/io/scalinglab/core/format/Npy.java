package io.scalinglab.core.format;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.error.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * NumPy {@code .npy} files of 2-D float arrays (points × width), the format activations are stored
 * in. Writes format version 1.0 byte for byte as {@code np.save} does; reads versions 1.0, 2.0 and
 * 3.0 with dtype float32 or float64 in either byte order. NaN and infinite values are read and
 * written as they are: deciding what they mean is the caller's job.
 */
public final class Npy {
  private static final int CHUNK_BYTES = 1 << 16;

  private Npy() {}

  /** The element types this class reads and writes. */
  public enum Dtype {
    /** 32-bit IEEE float, numpy {@code float32} ({@code <f4}). */
    FLOAT32(4),
    /** 64-bit IEEE float, numpy {@code float64} ({@code <f8}). */
    FLOAT64(8);

    private final int bytes;

    Dtype(int bytes) {
      this.bytes = bytes;
    }

    /** The size of one element in bytes. */
    public int bytes() {
      return bytes;
    }
  }

  /**
   * A 2-D array read from a {@code .npy} file, row-major. Values are held as doubles whatever the
   * file's dtype: every float32 widens to a double exactly, the estimators compute in double, and
   * {@link #toFloats()} gives the float32 values back unchanged. {@code dtype} says what the file
   * held.
   */
  public record NpyArray(int rows, int cols, Dtype dtype, double[] data) {
    /** Checks that {@code data} holds exactly {@code rows * cols} values. */
    public NpyArray {
      requireNonNull(dtype, "dtype");
      requireNonNull(data, "data");
      checkShape(data.length, rows, cols);
    }

    /** The value at row {@code r}, column {@code c}. */
    public double get(int r, int c) {
      if (r < 0 || r >= rows || c < 0 || c >= cols) {
        throw new IndexOutOfBoundsException(
            "(" + r + ", " + c + ") outside shape (" + rows + ", " + cols + ")");
      }
      return data[r * cols + c];
    }

    /** The values narrowed to float, row-major; exact when the file held float32. */
    public float[] toFloats() {
      float[] out = new float[data.length];
      for (int i = 0; i < data.length; i++) {
        out[i] = (float) data[i];
      }
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NpyArray a
          && rows == a.rows
          && cols == a.cols
          && dtype == a.dtype
          && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * (31 * rows + cols) + dtype.hashCode()) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "NpyArray[" + rows + " x " + cols + ", " + dtype + "]";
    }
  }

  /** Writes a row-major {@code rows × cols} float32 array as a version 1.0 {@code .npy}. */
  public static void writeFloat32(OutputStream out, float[] rowMajor, int rows, int cols)
      throws IOException {
    requireNonNull(out, "out");
    requireNonNull(rowMajor, "rowMajor");
    checkShape(rowMajor.length, rows, cols);
    out.write(new NpyHeader("<f4", false, new long[] {rows, cols}).encodeV1());
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : rowMajor) {
      if (!chunk.hasRemaining()) {
        drain(chunk, out);
      }
      // putFloat keeps the bits as they are, NaN payloads included.
      chunk.putFloat(v);
    }
    drain(chunk, out);
    out.flush();
  }

  /** Writes a row-major {@code rows × cols} float64 array as a version 1.0 {@code .npy}. */
  public static void writeFloat64(OutputStream out, double[] rowMajor, int rows, int cols)
      throws IOException {
    requireNonNull(out, "out");
    requireNonNull(rowMajor, "rowMajor");
    checkShape(rowMajor.length, rows, cols);
    out.write(new NpyHeader("<f8", false, new long[] {rows, cols}).encodeV1());
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : rowMajor) {
      if (!chunk.hasRemaining()) {
        drain(chunk, out);
      }
      chunk.putDouble(v);
    }
    drain(chunk, out);
    out.flush();
  }

  /**
   * Reads a 2-D float32 or float64 array; reads {@code in} to its end.
   *
   * @param name the input's name for error messages (a path, usually)
   * @throws InputException naming {@code name} if the stream is not a {@code .npy} file, its dtype
   *     is not float32/float64, it is Fortran-ordered or not 2-D, its data is cut short or followed
   *     by more bytes, or it cannot be read
   */
  public static NpyArray read(InputStream in, String name) {
    requireNonNull(in, "in");
    requireNonNull(name, "name");
    try {
      return readChecked(in, name);
    } catch (IOException e) {
      throw InputException.of(
          name, "cannot read .npy file: " + e, "Check that the file exists and is readable", e);
    }
  }

  private static NpyArray readChecked(InputStream in, String name) throws IOException {
    byte[] prefix = in.readNBytes(8);
    if (prefix.length < 8 || !Arrays.equals(prefix, 0, 6, NpyHeader.MAGIC, 0, 6)) {
      throw InputException.of(
          name,
          "not a .npy file (it does not start with \\x93NUMPY)",
          "Save activations with numpy.save(path, a) or Npy.writeFloat32");
    }
    int major = prefix[6] & 0xFF;
    long headerLength;
    if (major == 1) {
      headerLength = readLittleEndian(in, 2, name);
    } else if (major == 2 || major == 3) {
      headerLength = readLittleEndian(in, 4, name);
    } else {
      throw InputException.of(
          name,
          "unsupported .npy format version " + major + "." + (prefix[7] & 0xFF),
          "Save with numpy.save, which writes version 1.0 (2.0 or 3.0 for huge headers)");
    }
    if (headerLength > 1 << 20) {
      throw InputException.of(
          name,
          "malformed .npy header: claims " + headerLength + " bytes",
          "Write the file with numpy.save, or Npy.writeFloat32");
    }
    byte[] headerBytes = in.readNBytes((int) headerLength);
    if (headerBytes.length < headerLength) {
      throw InputException.of(
          name,
          "truncated .npy header: expected " + headerLength + " bytes, got " + headerBytes.length,
          "The file was cut short; write it again");
    }
    // Version 3.0 exists only to allow UTF-8 in the header; 1.0 and 2.0 are Latin-1.
    String text =
        new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyHeader header = NpyHeader.parse(text, name);
    Dtype dtype = dtype(header.descr(), name);
    ByteOrder order =
        header.descr().charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    checkLayout(header, name);
    long rows = header.shape()[0];
    long cols = header.shape()[1];
    long values = rows * cols;
    if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || values > Integer.MAX_VALUE - 8) {
      throw InputException.of(
          name,
          "shape " + NpyHeader.shapeRepr(header.shape()) + " has too many values for one array",
          "Split the activations into several files of fewer points");
    }
    double[] data = readData(in, (int) values, dtype, order, name);
    return new NpyArray((int) rows, (int) cols, dtype, data);
  }

  private static Dtype dtype(String descr, String name) {
    switch (descr) {
      case "<f4", ">f4":
        return Dtype.FLOAT32;
      case "<f8", ">f8":
        return Dtype.FLOAT64;
      default:
        throw InputException.of(
            name,
            "unsupported dtype '" + descr + "': only float32 and float64 are read",
            "Convert before saving: np.save(path, a.astype(np.float32))");
    }
  }

  private static void checkLayout(NpyHeader header, String name) {
    if (header.fortranOrder()) {
      throw InputException.of(
          name,
          "the array is stored in Fortran (column-major) order",
          "Save a C-ordered copy: np.save(path, np.ascontiguousarray(a))");
    }
    long[] shape = header.shape();
    if (shape.length != 2) {
      throw InputException.of(
          name,
          "shape " + NpyHeader.shapeRepr(shape) + " has rank " + shape.length + ", not 2",
          "Reshape to points × width before saving, e.g. a.reshape(len(a), -1)");
    }
  }

  private static double[] readData(
      InputStream in, int values, Dtype dtype, ByteOrder order, String name) throws IOException {
    long expected = (long) values * dtype.bytes();
    double[] data = new double[values];
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES - CHUNK_BYTES % 8).order(order);
    long got = 0;
    int next = 0;
    while (got < expected) {
      int want = (int) Math.min(chunk.capacity(), expected - got);
      int n = in.readNBytes(chunk.array(), 0, want);
      got += n;
      if (n < want) {
        throw InputException.of(
            name,
            "truncated data: expected " + expected + " bytes after the header, got " + got,
            "The file was cut short; write it again");
      }
      chunk.limit(n).position(0);
      if (dtype == Dtype.FLOAT32) {
        while (chunk.hasRemaining()) {
          data[next++] = chunk.getFloat();
        }
      } else {
        while (chunk.hasRemaining()) {
          data[next++] = chunk.getDouble();
        }
      }
    }
    long trailing = in.transferTo(OutputStream.nullOutputStream());
    if (trailing > 0) {
      throw InputException.of(
          name,
          trailing + " bytes follow the " + expected + " bytes of data",
          "Save one array per file; several np.save calls into one file are not supported");
    }
    return data;
  }

  private static long readLittleEndian(InputStream in, int bytes, String name) throws IOException {
    byte[] b = in.readNBytes(bytes);
    if (b.length < bytes) {
      throw InputException.of(
          name, "truncated .npy header length field", "The file was cut short; write it again");
    }
    long value = 0;
    for (int i = bytes - 1; i >= 0; i--) {
      value = value << 8 | (b[i] & 0xFF);
    }
    return value;
  }

  private static void drain(ByteBuffer chunk, OutputStream out) throws IOException {
    out.write(chunk.array(), 0, chunk.position());
    chunk.clear();
  }

  private static void checkShape(int length, int rows, int cols) {
    if (rows < 0 || cols < 0 || (long) rows * cols != length) {
      throw new IllegalArgumentException(
          "shape (" + rows + ", " + cols + ") does not match " + length + " values");
    }
  }
}
