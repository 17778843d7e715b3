package io.scalinglab.trainer.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.error.InputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * What a prepared dataset was made from, file by file: path, size and modification time, recorded
 * under {@code input.listing} in its manifest. The dataset id hashes the config, not the files, so
 * a corpus edited in place keeps its id; before reusing a prepared dataset, prepare lists the
 * inputs again and refuses one whose files changed ({@link #check}) instead of silently training on
 * text that is no longer there. Size and modification time are what {@code make} and {@code rsync}
 * compare: cheap on any file system, and every edit changes one of them.
 */
final class InputPin {
  private InputPin() {}

  /** The listing to record: one {@code {path, bytes, modified}} per file, in path order. */
  static ArrayNode listing(CorpusSource.InputFiles input) {
    ArrayNode a = DatasetManifest.JSON.createArrayNode();
    for (int i = 0; i < input.files().size(); i++) {
      ObjectNode f = a.addObject();
      f.put("path", input.files().get(i));
      f.put("bytes", input.sizes().get(i));
      f.put("modified", input.modified().get(i));
    }
    return a;
  }

  /**
   * Refuses to reuse the dataset of {@code manifest} if {@code now} is not the listing it was
   * prepared from. A manifest without a listing (written before inputs were recorded) is reused as
   * before.
   *
   * @return whether the manifest had a listing to compare with
   * @throws InputException naming the files added, removed or changed, and what to do
   */
  static boolean check(JsonNode manifest, CorpusSource.InputFiles now, Path dir) {
    JsonNode listing = manifest.path("input").path("listing");
    if (!listing.isArray()) {
      return false;
    }
    Map<String, long[]> then = new LinkedHashMap<>();
    for (JsonNode f : listing) {
      then.put(
          f.path("path").asText(),
          new long[] {f.path("bytes").asLong(), f.path("modified").asLong()});
    }
    List<String> changes = new ArrayList<>();
    for (int i = 0; i < now.files().size(); i++) {
      String file = now.files().get(i);
      long[] was = then.remove(file);
      long bytes = now.sizes().get(i);
      if (was == null) {
        changes.add("added " + file);
      } else if (was[0] != bytes) {
        changes.add(String.format(Locale.ROOT, "%s: %,d bytes then, %,d now", file, was[0], bytes));
      } else if (was[1] != now.modified().get(i)) {
        changes.add(file + ": modified since");
      }
    }
    then.keySet().forEach(file -> changes.add("removed " + file));
    if (changes.isEmpty()) {
      return true;
    }
    int shown = Math.min(5, changes.size());
    throw InputException.of(
        dir.toString(),
        "was prepared from other input files than dataset.source.paths gives now ("
            + String.join("; ", changes.subList(0, shown))
            + (changes.size() > shown ? "; " + (changes.size() - shown) + " more" : "")
            + "): reusing it would train on text that is no longer there",
        "Delete "
            + dir
            + " to prepare it again from the files as they are, or set another dataset.name to keep"
            + " both");
  }
}
