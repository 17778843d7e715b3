package io.scalinglab.it;

import io.scalinglab.core.testing.MiniHdfs;
import io.scalinglab.core.testing.SharedData;
import java.io.IOException;

/**
 * The tiny sweep the cluster tests run: a byte-level corpus sample, a one-layer model of width 32,
 * two runs (half and all of the training tokens) of 20 steps each, into the sweep folder {@code
 * cluster}. Shared by the standalone-cluster test and its container twin.
 */
public final class ClusterSweep {
  /** The sweep's folder in the store ({@code train.sweep}). */
  public static final String NAME = "cluster";

  private ClusterSweep() {}

  /** Copies the TinyStories sample into {@code hdfs} and returns its {@code hdfs://} URI. */
  public static String copyCorpus(MiniHdfs hdfs) throws IOException {
    String corpus = hdfs.uri() + "/corpora/train-sample.txt";
    hdfs.fs()
        .copyFromLocalFile(
            new org.apache.hadoop.fs.Path(
                SharedData.path("corpora/tinystories/train-sample.txt").toUri()),
            new org.apache.hadoop.fs.Path(corpus));
    return corpus;
  }

  /**
   * The sweep's config file.
   *
   * @param fs the file system URI the store lives on, e.g. {@code hdfs://namenode:8020}
   * @param corpus the URI of the corpus sample
   */
  public static String config(String fs, String corpus) {
    return """
        store.root = "%s/store"
        dataset {
          name = "tinystories-sample"
          source.paths = ["%s"]
          tokenizer = "byte"
          val-fraction = 0.05
          subsets.fractions = [0.5, 1.0]
        }
        model { n-layer = 1, n-head = 2, n-embd = 32, block-size = 32 }
        train {
          sweep = "%s"
          batch-size = 4
          max-steps = 20
          decay-steps = 20
          warmup-steps = 2
          eval-interval = 10
          eval-batches = 2
          checkpoint-interval = 10
          log-interval = 10
          activations { documents = 25, per-document = 8 }
        }
        sweep { subsets = ["f0.5", "f1"], progress-interval = 5 }
        """
        .formatted(fs, corpus, NAME);
  }
}
