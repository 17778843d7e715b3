package io.scalinglab.trainer.prepare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.Manifests;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.trainer.tokenize.Tokenizer;
import java.util.List;
import java.util.Map;

/**
 * The parts of a dataset's {@code manifest.json} that every way of preparing a dataset writes the
 * same: identity and token format, input summary, per-split shard lists, subsets and provenance.
 * Keys are snake_case so pandas' {@code json_normalize} reads them as they are.
 */
final class DatasetManifest {
  static final ObjectMapper JSON = Json.MAPPER;

  private DatasetManifest() {}

  /** Identity, token format and the input: its summary and its files ({@link InputPin}). */
  static ObjectNode start(
      String datasetId,
      String name,
      Tokenizer tokenizer,
      List<String> paths,
      String format,
      CorpusSource.InputFiles input) {
    ObjectNode m = JSON.createObjectNode();
    m.put("kind", "dataset");
    m.put("dataset_id", datasetId);
    m.put("name", name);
    m.put("tokenizer", tokenizer.name());
    m.put("vocab_size", tokenizer.vocabSize());
    m.put("eot", tokenizer.eot());
    m.put("dtype", "uint16");
    m.put("byte_order", "little");
    ObjectNode in = m.putObject("input");
    ArrayNode p = in.putArray("paths");
    paths.forEach(p::add);
    in.put("format", format);
    in.put("files", input.files().size());
    in.put("bytes", input.bytes());
    in.set("listing", InputPin.listing(input));
    return m;
  }

  /** One split: documents, tokens and its shards in order. */
  static ObjectNode split(long documents, long tokens, List<ShardEntry> shards) {
    ObjectNode o = JSON.createObjectNode();
    o.put("documents", documents);
    o.put("tokens", tokens);
    ArrayNode arr = o.putArray("shards");
    for (ShardEntry s : shards) {
      ObjectNode e = arr.addObject();
      e.put("file", s.file());
      e.put("tokens", s.tokens());
      e.put("bytes", s.bytes());
      e.put("sha256", s.sha256());
      e.put("documents", s.documents());
    }
    return o;
  }

  /** The subsets, then the provenance block; returns the finished manifest. */
  static ObjectNode finish(ObjectNode m, List<Subsets.Subset> subsets, ScalinglabConfig config) {
    ArrayNode subs = m.putArray("subsets");
    for (Subsets.Subset s : subsets) {
      ObjectNode o = subs.addObject();
      o.put("name", s.name());
      if (s.fraction() == null) {
        o.putNull("fraction");
      } else {
        o.put("fraction", s.fraction());
      }
      o.put("tokens", s.tokens());
    }
    Provenance p =
        Provenance.capture(config.toJson(), Map.of("dataset.seed", config.dataset().seed()));
    return Manifests.withProvenance(m, p);
  }
}
