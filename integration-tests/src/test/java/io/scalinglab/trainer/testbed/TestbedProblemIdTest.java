package io.scalinglab.trainer.testbed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.config.IdConfig.Combine;
import io.scalinglab.core.config.IdConfig.Metric;
import io.scalinglab.core.config.IdConfig.NonFinite;
import io.scalinglab.core.config.TestbedSettings;
import io.scalinglab.id.estimate.Mle;
import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.Neighbours;
import io.scalinglab.id.knn.Preprocess;
import io.scalinglab.id.knn.Progress;
import org.junit.jupiter.api.Test;

/**
 * The testbed's training points, measured by the id job's estimator: here, beside both jobs, since
 * trainer-job does not depend on id-job (both take the manifolds from the manifolds module).
 */
class TestbedProblemIdTest {
  private static TestbedSettings settings(String hocon) {
    return TestbedSettings.fromConfig(ConfigFactory.parseString(hocon));
  }

  @Test
  void trainingPointsHaveTheStatedIntrinsicDimension() {
    // the id job's MLE (K = 20, mean) on 2,500 training points: within 10% for the sphere up to
    // d = 8, as EmbeddedManifoldTest in id-job shows for the manifold alone
    for (int d : new int[] {2, 8}) {
      TestbedProblem.Split t =
          TestbedProblem.of(settings("testbed.dims = [" + d + "]"), d).training(2500, 1);
      Preprocess.Prepared prep =
          Preprocess.prepare(t.x(), t.n(), t.ambient(), Metric.EUCLIDEAN, NonFinite.FAIL, true);
      Neighbours nb =
          ExactKnn.search(prep.points(), 20, ExactKnn.Options.defaults(), Progress.NONE);
      double id = Mle.estimate(nb.distances(), nb.n(), 20, 20, false, Combine.MEAN).id();
      assertTrue(Math.abs(id - d) <= 0.1 * d, "d = " + d + ": MLE " + id);
    }
  }
}
