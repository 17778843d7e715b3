package io.scalinglab.core.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.InputException;
import io.scalinglab.core.format.Npy.Dtype;
import io.scalinglab.core.format.Npy.NpyArray;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Byte-level checks against files numpy wrote ({@code np.save} to a BytesIO, or {@code
 * numpy.lib.format.write_array} for version 2.0); the hex strings are those bytes, as {@code
 * src/test/resources/reference/npy_bytes.py} prints them (its output is in its header).
 */
class NpyTest {
  /** np.save of float32 [[0.5, -1.25], [3.0, 1e-3], [pi, -0.0]]. */
  private static final String NUMPY_F32_3X2 =
      "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f7264657227"
          + "3a2046616c73652c20277368617065273a2028332c2032292c207d202020202020202020202020202020"
          + "202020202020202020202020202020202020202020202020202020202020202020202020202020202020"
          + "200a0000003f0000a0bf000040406f12833adb0f494000000080";

  private static final float[] F32_3X2 = {0.5f, -1.25f, 3.0f, 1e-3f, (float) Math.PI, -0.0f};

  @Test
  void writesTheBytesNumpyWrites() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.writeFloat32(out, F32_3X2, 3, 2);
    assertEquals(NUMPY_F32_3X2, HexFormat.of().formatHex(out.toByteArray()));
  }

  @Test
  void headerIsPaddedToSixtyFourBytesAsNumpyPadsIt() throws IOException {
    // From numpy: the (1000000, 7) header is also 128 bytes, with fewer growth spaces.
    String expected =
        "\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f8', 'fortran_order': False, 'shape':"
            + " (1000000, 7), }"
            + " ".repeat(52)
            + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.writeFloat64(out, new double[7_000_000], 1_000_000, 7);
    byte[] header = Arrays.copyOf(out.toByteArray(), 128);
    assertEquals(expected, new String(header, StandardCharsets.ISO_8859_1));
    assertEquals(128 + 8 * 7_000_000, out.size());
  }

  @Test
  void readsNumpyFloat32() {
    NpyArray a = read(NUMPY_F32_3X2);
    assertEquals(3, a.rows());
    assertEquals(2, a.cols());
    assertEquals(Dtype.FLOAT32, a.dtype());
    assertArrayEquals(F32_3X2, a.toFloats());
    assertEquals(1e-3f, (float) a.get(1, 1));
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits((float) a.get(2, 1)));
  }

  @Test
  void readsNanAndInfinityAsTheyAre() {
    // np.save of float64 [[1.5, nan], [inf, -inf]]
    NpyArray a =
        read(
            header("<f8", "(2, 2)")
                + "000000000000f83f000000000000f87f000000000000f07f000000000000f0ff");
    assertEquals(Dtype.FLOAT64, a.dtype());
    assertEquals(1.5, a.get(0, 0));
    assertTrue(Double.isNaN(a.get(0, 1)));
    assertEquals(Double.POSITIVE_INFINITY, a.get(1, 0));
    assertEquals(Double.NEGATIVE_INFINITY, a.get(1, 1));
  }

  @Test
  void readsBigEndian() {
    // np.save of np.array([[1.0, 2.0, 3.0]], dtype='>f4') and [[1.0], [-2.5]] as '>f8'
    NpyArray f4 = read(header(">f4", "(1, 3)") + "3f8000004000000040400000");
    assertArrayEquals(new double[] {1, 2, 3}, f4.data());
    NpyArray f8 = read(header(">f8", "(2, 1)") + "3ff0000000000000c004000000000000");
    assertArrayEquals(new double[] {1, -2.5}, f8.data());
  }

  @Test
  void readsVersionTwoAndThreeHeaders() {
    // numpy.lib.format.write_array(f, np.array([[7.0, 8.0]], np.float32), version=(2, 0))
    String body =
        "740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73"
            + "652c20277368617065273a2028312c2032292c207d202020202020202020202020202020202020202020"
            + "20202020202020202020202020202020202020202020202020202020202020202020200a0000e0400000"
            + "0041";
    assertArrayEquals(new double[] {7, 8}, read("934e554d50590200" + body).data());
    assertArrayEquals(new double[] {7, 8}, read("934e554d50590300" + body).data());
  }

  @Test
  void roundTripsRandomFloat32KeepingNanBits() throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    float[] values = new float[37 * 1001];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    values[5] = Float.intBitsToFloat(0x7fc00123); // a NaN with a payload
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.writeFloat32(out, values, 1001, 37);
    NpyArray a = Npy.read(new ByteArrayInputStream(out.toByteArray()), "acts.npy");
    float[] back = a.toFloats();
    for (int i = 0; i < values.length; i++) {
      assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]), "at " + i);
    }
  }

  @Test
  void roundTripsFloat64AndEmpty() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    double[] values = {Math.PI, -Math.E, Double.MIN_VALUE, Double.MAX_VALUE};
    Npy.writeFloat64(out, values, 2, 2);
    NpyArray a = Npy.read(new ByteArrayInputStream(out.toByteArray()), "x.npy");
    assertEquals(new NpyArray(2, 2, Dtype.FLOAT64, values), a);

    ByteArrayOutputStream empty = new ByteArrayOutputStream();
    Npy.writeFloat32(empty, new float[0], 0, 5);
    assertEquals(128, empty.size(), "numpy writes a (0, 5) float32 array in 128 bytes");
    NpyArray e = Npy.read(new ByteArrayInputStream(empty.toByteArray()), "e.npy");
    assertEquals(0, e.rows());
    assertEquals(5, e.cols());
  }

  @Test
  void writerChecksTheShape() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Npy.writeFloat32(new ByteArrayOutputStream(), new float[5], 2, 3));
  }

  @Test
  void notNpy() {
    assertProblem("PK\u0003\u0004 a zip file", "not a .npy file", "numpy.save");
    assertProblem("", "not a .npy file", "numpy.save");
  }

  @Test
  void unsupportedDtypeSaysHowToConvert() {
    assertProblem(text(header("<i8", "(1, 1)")) + "\0".repeat(8), "'<i8'", "a.astype(np.float32)");
    assertProblem(text(header("<f2", "(1, 1)")) + "\0".repeat(2), "'<f2'", "a.astype(np.float32)");
  }

  @Test
  void fortranOrderSaysHowToFix() {
    String h = text(header("<f4", "(2, 3)")).replace("False", "True ");
    assertProblem(h + "\0".repeat(24), "Fortran", "np.ascontiguousarray");
  }

  @Test
  void wrongRankGivesTheShape() {
    assertProblem(
        text(header("<f4", "(6,)")) + "\0".repeat(24), "shape (6,) has rank 1", "reshape");
    assertProblem(text(header("<f4", "(2, 3, 4)")) + "\0".repeat(96), "(2, 3, 4)", "reshape");
  }

  @Test
  void truncatedDataGivesExpectedAndActualBytes() {
    String hex = NUMPY_F32_3X2.substring(0, NUMPY_F32_3X2.length() - 6);
    InputException e =
        assertThrows(InputException.class, () -> Npy.read(stream(hex), "acts/run1.npy"));
    assertTrue(e.getMessage().startsWith("acts/run1.npy: "), e.getMessage());
    assertTrue(e.getMessage().contains("expected 24 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("got 21"), e.getMessage());
  }

  @Test
  void trailingBytesAreRefused() {
    InputException e =
        assertThrows(InputException.class, () -> Npy.read(stream(NUMPY_F32_3X2 + "00"), "t.npy"));
    assertTrue(e.getMessage().contains("1 bytes follow"), e.getMessage());
  }

  @Test
  void malformedHeaders() {
    String good = text(header("<f4", "(1, 1)"));
    assertProblem(good.replace("'shape'", "'shapes'") + "\0\0\0\0", "malformed", "'shape'");
    assertProblem(good.replace("(1, 1)", "(1, x)") + "\0\0\0\0", "malformed", "integer");
    assertProblem(good.replace("{", "[") + "\0\0\0\0", "malformed", "expected '{'");
    assertProblem(good.substring(0, 40), "truncated .npy header", "cut short");
    // The header length field claims more bytes than the file holds.
  }

  private static void assertProblem(String latin1, String... parts) {
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                Npy.read(
                    new ByteArrayInputStream(latin1.getBytes(StandardCharsets.ISO_8859_1)),
                    "in.npy"));
    assertTrue(e.getMessage().startsWith("in.npy: "), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + part + "' in: " + e.getMessage());
    }
  }

  /** The hex of a version 1.0 header as numpy pads it, for the dtype and shape given. */
  private static String header(String descr, String shape) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int padded = 128 - 10; // every header in these tests fits in 128 bytes, as numpy's do
    String text = dict + " ".repeat(padded - dict.length() - 1) + "\n";
    return "934e554d50590100"
        + "7600"
        + HexFormat.of().formatHex(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String text(String hex) {
    return new String(HexFormat.of().parseHex(hex), StandardCharsets.ISO_8859_1);
  }

  private static ByteArrayInputStream stream(String hex) {
    return new ByteArrayInputStream(HexFormat.of().parseHex(hex));
  }

  private static NpyArray read(String hex) {
    return Npy.read(stream(hex), "test.npy");
  }
}
