package io.scalinglab.trainer.prepare;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.DatasetConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.format.ShardWriter;
import io.scalinglab.core.format.TokenShards;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.tokenize.Tokenizer;
import io.scalinglab.trainer.tokenize.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Imports a dataset that nanoGPT's prepare.py already tokenized: a folder holding {@code train.bin}
 * and {@code val.bin} (little-endian uint16). The tokens are copied unchanged into shards of {@code
 * dataset.shard-tokens}, checked against the tokenizer's vocabulary, so the shards concatenated
 * give back the original files byte for byte. Documents are counted as EOT tokens. The files are
 * streamed, never held in memory.
 */
final class NanoGptImport {
  private static final int BUFFER = 1 << 20;

  private NanoGptImport() {}

  /**
   * The two files of the folder {@code dataset.source.paths} names, with their sizes and times.
   *
   * @throws InputException if the paths are not one folder, or a file is missing
   */
  static CorpusSource.InputFiles inputs(DatasetConfig ds, Configuration conf) {
    if (ds.source().paths().size() != 1) {
      throw new InputException(
          "dataset.source.paths: format nanogpt-bin takes exactly one folder holding train.bin"
              + " and val.bin, got "
              + ds.source().paths()
              + ". Set dataset.source.paths to that folder");
    }
    Path folder = new Path(ds.source().paths().get(0));
    List<String> files = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    List<Long> modified = new ArrayList<>();
    for (String name : List.of("train.bin", "val.bin")) {
      Path file = new Path(folder, name);
      try {
        FileStatus st = file.getFileSystem(conf).getFileStatus(file);
        files.add(st.getPath().toString());
        sizes.add(st.getLen());
        modified.add(st.getModificationTime());
      } catch (java.io.FileNotFoundException e) {
        throw InputException.of(
            file.toString(),
            "not found; format nanogpt-bin expects train.bin and val.bin in the folder",
            "Point dataset.source.paths at the folder nanoGPT's prepare.py wrote",
            e);
      } catch (IOException e) {
        throw InputException.of(
            file.toString(), "cannot be read: " + e.getMessage(), "Check the path", e);
      }
    }
    return new CorpusSource.InputFiles(
        files, sizes, modified, sizes.stream().mapToLong(Long::longValue).sum());
  }

  static PrepareResult run(
      ScalinglabConfig config,
      ResultsStore store,
      String datasetId,
      Path dir,
      CorpusSource.InputFiles input,
      Consumer<String> log,
      long start) {
    DatasetConfig ds = config.dataset();
    Path folder = new Path(ds.source().paths().get(0));
    Path trainBin = new Path(folder, "train.bin");
    Path valBin = new Path(folder, "val.bin");
    Tokenizer tokenizer = Tokenizers.forName(ds.tokenizer().key());
    Path temp = store.newTempDir(dir);
    try {
      FileSystem fs = folder.getFileSystem(store.hadoopConf());
      log.accept("importing nanoGPT token files from " + folder);
      if (config.dataset().valDocuments() > 0) {
        log.accept(
            "dataset.val-documents is ignored: a nanoGPT val.bin is the validation split as it is");
      }
      Split train = copy(fs, trainBin, store, temp, "train", ds.shardTokens(), tokenizer);
      Split val = copy(fs, valBin, store, temp, "val", ds.shardTokens(), tokenizer);
      List<Subsets.Subset> subsets =
          Subsets.resolve(ds.subsetFractions(), ds.subsetTokens(), train.tokens);

      ObjectNode m =
          DatasetManifest.start(
              datasetId, ds.name(), tokenizer, List.of(folder.toString()), "nanogpt-bin", input);
      m.put("documents", train.documents + val.documents);
      m.set("train", DatasetManifest.split(train.documents, train.tokens, train.shards));
      m.set("val", DatasetManifest.split(val.documents, val.tokens, val.shards));
      ObjectNode skipped = m.putObject("skipped");
      skipped.put("total", 0);
      skipped.put("share", 0.0);
      skipped.putObject("by_reason");
      DatasetManifest.finish(m, subsets, config);
      store.writeJson(new Path(temp, "manifest.json"), m);
      log.accept(
          String.format(
              Locale.ROOT,
              "imported %,d train and %,d validation tokens",
              train.tokens,
              val.tokens));
      boolean committed = store.commitDirectory(temp, dir);
      temp = null;
      if (!committed) {
        return PrepareResult.of(
            datasetId, dir, true, store.readJson(new Path(dir, "manifest.json")), start);
      }
      log.accept("dataset ready: " + dir);
      return PrepareResult.of(datasetId, dir, false, m, start);
    } catch (IOException e) {
      throw new StoreException("cannot import " + folder + ": " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        store.deleteQuietly(temp);
      }
    }
  }

  private record Split(long tokens, long documents, List<ShardEntry> shards) {}

  private static Split copy(
      FileSystem fs,
      Path source,
      ResultsStore store,
      Path temp,
      String split,
      long shardTokens,
      Tokenizer tokenizer)
      throws IOException {
    if (!fs.exists(source)) {
      throw InputException.of(
          source.toString(),
          "not found; format nanogpt-bin expects train.bin and val.bin in the folder",
          "Point dataset.source.paths at the folder nanoGPT's prepare.py wrote");
    }
    FileStatus status = fs.getFileStatus(source);
    if (status.getLen() % 2 != 0) {
      throw InputException.of(
          source.toString(),
          "odd byte length " + status.getLen() + ": not uint16 tokens",
          "Use the train.bin/val.bin written by nanoGPT's prepare.py (np.uint16)");
    }
    if (status.getLen() == 0) {
      throw InputException.of(
          source.toString(), "is empty", "Prepare the corpus with nanoGPT again or use its text");
    }
    int vocab = tokenizer.vocabSize();
    int eot = tokenizer.eot();
    List<ShardEntry> shards = new ArrayList<>();
    long position = 0;
    long documents = 0;
    byte[] buf = new byte[BUFFER];
    try (InputStream in = fs.open(source)) {
      int index = 0;
      long shardBytesMax = 2 * shardTokens;
      int carry = 0;
      while (position < status.getLen()) {
        String name = String.format(Locale.ROOT, "part-%05d.bin", index);
        Path target = new Path(new Path(temp, split), name);
        long written = 0;
        long docs = 0;
        int[] ids = new int[buf.length / 2];
        ShardWriter writer = TokenShards.writer(fs(store, target).create(target), vocab);
        TokenShards.ShardInfo info;
        try {
          while (written < shardBytesMax && position < status.getLen()) {
            int want = (int) Math.min(buf.length - carry, shardBytesMax - written);
            int n = in.read(buf, carry, want);
            if (n < 0) {
              throw InputException.of(
                  source.toString(), "ended early while reading", "Copy the file again");
            }
            int total = carry + n;
            int whole = total & ~1;
            for (int i = 0; i < whole; i += 2) {
              int token = (buf[i] & 0xff) | ((buf[i + 1] & 0xff) << 8);
              if (token >= vocab) {
                throw InputException.of(
                    source.toString(),
                    "token "
                        + token
                        + " at position "
                        + (position + i) / 2
                        + " is outside the "
                        + tokenizer.name()
                        + " vocabulary of "
                        + vocab,
                    "Set dataset.tokenizer to the tokenizer the file was prepared with");
              }
              if (token == eot) {
                docs++;
              }
              ids[i / 2] = token;
            }
            writer.write(ids, 0, whole / 2);
            written += whole;
            position += whole;
            carry = total - whole;
            if (carry == 1) {
              buf[0] = buf[whole];
            }
          }
        } finally {
          info = writer.close();
        }
        String hex = info.sha256();
        shards.add(new ShardEntry(index, split + "/" + name, written / 2, written, hex, docs));
        documents += docs;
        index++;
      }
    }
    return new Split(position / 2, documents, shards);
  }

  private static FileSystem fs(ResultsStore store, Path p) throws IOException {
    return p.getFileSystem(store.hadoopConf());
  }
}
