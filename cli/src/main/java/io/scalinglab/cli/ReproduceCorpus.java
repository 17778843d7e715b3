package io.scalinglab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One corpus of {@code demo --reproduce}: a name, the dataset overrides that read it, and the data
 * axis's subsets that its size allows.
 *
 * @param name the dataset name (and the sweep's, {@code reproduce-<name>})
 * @param path the file or folder
 * @param overrides {@code dataset.*} settings that read it (the source, the name)
 * @param bytes the size on disk: the file's, or the sum of a folder's files
 */
record ReproduceCorpus(String name, Path path, List<String> overrides, long bytes) {
  /** The data axis's candidate sizes in tokens, each twice the last. */
  static final List<Long> LADDER = List.of(4000L, 8000L, 16000L, 32000L, 64000L, 128000L, 256000L);

  /** Sizes on the data axis: six, over 32x (1.5 decades). */
  static final int SIZES = 6;

  /**
   * The share of a corpus's bytes taken as certain to be training tokens: bytes are tokens for the
   * byte tokenizer, less the validation split (5% or at least 8 documents) and JSON's quoting.
   */
  static final double TRAIN_SHARE = 0.6;

  ReproduceCorpus {
    overrides = List.copyOf(overrides);
  }

  /**
   * The corpus {@code spec} names: {@code FILE} or {@code NAME=FILE}. The format follows the name:
   * {@code .jsonl} (the text in field {@code text}, else {@code content}, as the first record
   * shows), {@code .txt} (documents separated by {@code <|endoftext|>}), {@code .tsv} (the text in
   * the last column of the first line), each optionally gzipped, or a folder (each file one
   * document). Without a name, the file's folder and stem make one: {@code
   * tinystories/train-sample.jsonl} is {@code tinystories-train-sample}.
   */
  static ReproduceCorpus parse(String spec) {
    int eq = spec.indexOf('=');
    String name = eq > 0 ? spec.substring(0, eq) : null;
    Path path = Path.of(eq > 0 ? spec.substring(eq + 1) : spec).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw InputException.of(
          path.toString(), "no such file or folder (--corpus)", "Give an existing corpus file");
    }
    if (name == null) {
      name = defaultName(path);
    }
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new UsageException(
          "--corpus "
              + spec
              + ": the name '"
              + name
              + "' may hold only letters, digits, '.', '_' and '-'; write NAME=FILE");
    }
    return of(name, path, source(path));
  }

  /**
   * The corpus at {@code path} named {@code name}, read as {@code source} says ({@code
   * dataset.source.*} settings): for a file whose name does not tell its format, such as the demo's
   * Europarl lines ({@code .txt.gz} holding tab-separated columns).
   */
  static ReproduceCorpus of(String name, Path path, List<String> source) {
    List<String> o = new ArrayList<>();
    o.add("dataset.name=" + JobOptions.quote(name));
    o.add("dataset.source.paths=[" + JobOptions.quote(path.toUri().toString()) + "]");
    o.addAll(source);
    return new ReproduceCorpus(name, path, o, bytes(path));
  }

  /** The largest {@link #SIZES} sizes of the ladder that the corpus holds, smallest first. */
  List<Long> subsets() {
    long room = (long) (bytes * TRAIN_SHARE);
    List<Long> fit = LADDER.stream().filter(t -> t <= room).toList();
    if (fit.size() < SIZES) {
      throw InputException.of(
          path.toString(),
          String.format(
              Locale.ROOT,
              "holds %,d bytes, too few for a data axis of %d sizes from %,d tokens (it needs"
                  + " about %,d bytes)",
              bytes,
              SIZES,
              LADDER.get(0),
              (long) Math.ceil(LADDER.get(SIZES - 1) / TRAIN_SHARE)),
          "Give a larger corpus with --corpus");
    }
    return fit.subList(fit.size() - SIZES, fit.size());
  }

  /** The subset names of {@link #subsets()}, as prepare names them ({@code t4000}). */
  List<String> subsetNames() {
    return subsets().stream().map(t -> "t" + t).toList();
  }

  static String defaultName(Path path) {
    String file = path.getFileName().toString();
    String stem = file.replaceFirst("(\\.(jsonl|json|txt|tsv))?(\\.gz)?$", "");
    Path parent = path.getParent();
    String name =
        Files.isDirectory(path) || parent == null || parent.getFileName() == null
            ? stem
            : parent.getFileName() + "-" + stem;
    return name.replaceAll("[^A-Za-z0-9._-]", "-");
  }

  private static List<String> source(Path path) {
    if (Files.isDirectory(path)) {
      return List.of("dataset.source.format=files");
    }
    String file = path.getFileName().toString().toLowerCase(Locale.ROOT).replaceFirst("\\.gz$", "");
    if (file.endsWith(".jsonl") || file.endsWith(".json")) {
      return List.of("dataset.source.format=jsonl", "dataset.source.text-field=" + textField(path));
    }
    if (file.endsWith(".txt")) {
      return List.of(
          "dataset.source.format=text", "dataset.source.separator=" + JobOptions.quote(EOT));
    }
    if (file.endsWith(".tsv")) {
      int columns = firstLine(path).split("\t", -1).length;
      return List.of("dataset.source.format=tsv", "dataset.source.tsv-column=" + (columns - 1));
    }
    throw InputException.of(
        path.toString(),
        "cannot tell the corpus format from the name",
        "Name it .jsonl, .txt (documents separated by "
            + EOT
            + "), .tsv (optionally .gz), or give a folder of files, one document each");
  }

  static final String EOT = "<|endoftext|>";

  /** {@code text} if the first record has it, else {@code content} (The Stack's column). */
  private static String textField(Path path) {
    JsonNode first;
    try {
      first = Json.MAPPER.readTree(firstLine(path));
    } catch (IOException e) {
      throw InputException.of(
          path.toString(), "the first line is not JSON: " + e.getMessage(), "Give JSON lines");
    }
    for (String field : List.of("text", "content")) {
      if (first.path(field).isTextual()) {
        return field;
      }
    }
    throw InputException.of(
        path.toString(),
        "the first record has neither a 'text' nor a 'content' string field",
        "Give JSON lines with the document in 'text' or 'content'");
  }

  private static String firstLine(Path path) {
    try (InputStream raw = Files.newInputStream(path);
        InputStream in =
            path.toString().toLowerCase(Locale.ROOT).endsWith(".gz")
                ? new GZIPInputStream(raw)
                : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line = r.readLine();
      if (line == null) {
        throw InputException.of(path.toString(), "the file is empty", "Give a corpus with text");
      }
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private static long bytes(Path path) {
    if (!Files.isDirectory(path)) {
      try {
        return Files.size(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
    try (Stream<Path> files = Files.walk(path)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException("cannot read " + p, e);
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
  }
}
