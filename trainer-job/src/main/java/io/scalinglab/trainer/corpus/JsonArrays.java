package io.scalinglab.trainer.corpus;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.scalinglab.core.error.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Streams the objects of one file holding a single top-level JSON array (the layout of TinyStories'
 * {@code TinyStories_all_data/*.json}, ~100 MB each), one element at a time, so a file never has to
 * fit in memory as a tree.
 *
 * <p>What can be skipped is skipped: an element that is not an object, or an object without usable
 * text, becomes a {@link Skipped}. A syntax error or invalid UTF-8 cannot be skipped: after one,
 * Jackson's streaming parser has no defined state from which to find the next element, so the file
 * is rejected with the byte offset, as Python's {@code json.load} would reject it.
 */
final class JsonArrays {
  private JsonArrays() {}

  private static final String USE_JSONL = "use format=jsonl for one JSON object per line";

  static void read(InputStream in, String input, JsonFields fields, Consumer<Record> out) {
    ValidatingStream utf8 = new ValidatingStream(in);
    long element = 0;
    try (JsonParser p = JsonFields.FACTORY.createParser(utf8)) {
      JsonToken first = firstToken(p, input);
      if (first != JsonToken.START_ARRAY) {
        throw InputException.of(
            input,
            "expected a JSON array of objects, but the file holds "
                + JsonFields.describe(first)
                + " at the top level",
            USE_JSONL);
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == JsonToken.START_OBJECT) {
          out.accept(inElement(fields.readObject(p), element));
        } else {
          if (t.isStructStart()) {
            p.skipChildren();
          }
          out.accept(
              new Skipped(
                  SkipReason.INVALID_JSON,
                  "element " + element + " is " + JsonFields.describe(t) + ", not an object"));
        }
        element++;
      }
      if (p.nextToken() != null) {
        throw InputException.of(
            input,
            "unexpected content after the JSON array at byte " + offset(p.currentLocation()),
            "a json file holds exactly one array; " + USE_JSONL);
      }
    } catch (ValidatingStream.MalformedUtf8Exception e) {
      throw InputException.of(
          input,
          "invalid UTF-8 at byte " + e.offset(),
          "the file is corrupt or not UTF-8: re-export it as UTF-8 or drop it from the dataset",
          e);
    } catch (JsonEOFException e) {
      throw InputException.of(
          input,
          "the file ends at byte "
              + offset(e.getLocation())
              + " inside element "
              + element
              + " of the JSON array",
          "the file is truncated: download or copy it again",
          e);
    } catch (JsonProcessingException e) {
      throw InputException.of(
          input,
          "malformed JSON near byte "
              + offset(e.getLocation())
              + " (in element "
              + element
              + "): "
              + JsonFields.problem(e, 100),
          "the file is corrupt: fix or drop it from the dataset",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(input + ": read failed: " + e.getMessage(), e);
    }
  }

  /** The first token; a file that does not even start as JSON is "not an array", not corrupt. */
  private static JsonToken firstToken(JsonParser p, String input) throws IOException {
    try {
      return p.nextToken();
    } catch (JsonProcessingException e) {
      throw InputException.of(
          input,
          "expected a JSON array of objects, but the file does not start with JSON ("
              + JsonFields.problem(e, 80)
              + ")",
          USE_JSONL + ", format=text for plain text",
          e);
    }
  }

  private static Record inElement(Record r, long element) {
    if (r instanceof Skipped s) {
      return new Skipped(s.reason(), "element " + element + ": " + s.detail());
    }
    return r;
  }

  private static String offset(JsonLocation location) {
    return location == null ? "?" : Long.toString(location.getByteOffset());
  }
}
