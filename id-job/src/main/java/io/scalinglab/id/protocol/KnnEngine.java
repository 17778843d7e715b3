package io.scalinglab.id.protocol;

import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.Neighbours;
import io.scalinglab.id.knn.Points;
import io.scalinglab.id.knn.Progress;

/**
 * Where an exact neighbour search runs: threads in this JVM ({@link #local}) or Spark tasks ({@code
 * io.scalinglab.id.job.SparkKnn}). Every engine returns the same neighbours.
 */
public interface KnnEngine {
  /** The {@code k} nearest neighbours of every point. */
  Neighbours search(Points points, int k, Progress progress);

  /** A short name for reports: {@code local} or {@code spark}. */
  String name();

  /** The search on {@code threads} threads of this JVM, in blocks of {@code blockRows} points. */
  static KnnEngine local(int threads, int blockRows) {
    ExactKnn.Options options = new ExactKnn.Options(threads, blockRows);
    return new KnnEngine() {
      @Override
      public Neighbours search(Points points, int k, Progress progress) {
        return ExactKnn.search(points, k, options, progress);
      }

      @Override
      public String name() {
        return "local";
      }
    };
  }
}
