package io.scalinglab.core.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Content ids: a run id is the hash of its resolved spec in a canonical JSON form, so the same spec
 * gets the same id on every machine and in every run, whatever order its keys were written in. That
 * is what lets a re-run sweep find its finished runs.
 */
public final class Ids {
  private static final ObjectMapper COMPACT = Json.MAPPER;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Ids() {}

  /**
   * The first {@code hexChars} lowercase hex digits of the SHA-256 of {@code canonical} in UTF-8.
   *
   * @param hexChars 1 to 64; 16 (64 bits) keeps collisions unlikely for billions of specs
   */
  public static String hash(String canonical, int hexChars) {
    requireNonNull(canonical, "canonical");
    if (hexChars < 1 || hexChars > 64) {
      throw new IllegalArgumentException(
          "hexChars " + hexChars + " is invalid: a SHA-256 has 1 to 64 hex digits");
    }
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
    char[] out = new char[hexChars];
    for (int i = 0; i < hexChars; i++) {
      int b = digest[i / 2] & 0xFF;
      out[i] = HEX[i % 2 == 0 ? b >>> 4 : b & 0xF];
    }
    return new String(out);
  }

  /**
   * {@code n} as JSON with the keys of every object sorted (by UTF-16 code units, as {@link
   * String#compareTo} orders them) and no whitespace. Arrays keep their order; numbers are written
   * as Jackson holds them, so {@code 1} and {@code 1.0} differ.
   */
  public static String canonicalJson(JsonNode n) {
    requireNonNull(n, "n");
    StringWriter out = new StringWriter();
    try (JsonGenerator g = COMPACT.createGenerator(out)) {
      write(n, g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string cannot fail", e);
    }
    return out.toString();
  }

  private static void write(JsonNode n, JsonGenerator g) throws IOException {
    if (n.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        fields.add(it.next());
      }
      fields.sort(Map.Entry.comparingByKey());
      g.writeStartObject();
      for (Map.Entry<String, JsonNode> f : fields) {
        g.writeFieldName(f.getKey());
        write(f.getValue(), g);
      }
      g.writeEndObject();
    } else if (n.isArray()) {
      g.writeStartArray();
      for (JsonNode item : n) {
        write(item, g);
      }
      g.writeEndArray();
    } else {
      g.writeTree(n);
    }
  }
}
