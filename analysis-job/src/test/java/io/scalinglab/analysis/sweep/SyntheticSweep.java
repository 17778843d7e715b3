package io.scalinglab.analysis.sweep;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Test tables shaped like a sweep's {@code results.csv} and {@code id/estimates.csv}: two datasets
 * on a 3 model sizes × 4 data sizes grid, losses from L = E + A/N^α + B/D^β with 0.5 % noise, one
 * diverged run, and ID rows for two layers of every run.
 */
public final class SyntheticSweep {
  public static final double[] SIZES = {1e6, 4e6, 1.6e7};
  public static final double[] TOKENS = {1e7, 4e7, 1.6e8, 6.4e8};

  private SyntheticSweep() {}

  /** The results table; {@code dataset} b's losses fall faster with data (β 0.5 against 0.3). */
  public static String results() {
    StringBuilder sb =
        new StringBuilder(
            "run_id,dataset,model,status,params_total,params_non_embedding,train_tokens,"
                + "val_loss_mean5,val_loss_final,d_model,n_layer\n");
    SplittableRandom random = new SplittableRandom(3);
    for (String dataset : new String[] {"tiny", "sql"}) {
      double beta = dataset.equals("tiny") ? 0.3 : 0.5;
      for (int i = 0; i < SIZES.length; i++) {
        for (int j = 0; j < TOKENS.length; j++) {
          double n = SIZES[i];
          double d = TOKENS[j];
          double loss =
              (1.5 + 40 * Math.pow(n, -0.3) + 300 * Math.pow(d, -beta))
                  * Math.exp(0.005 * (random.nextDouble() - 0.5));
          String id = dataset + "-n" + i + "-d" + j;
          boolean diverged = dataset.equals("tiny") && i == 1 && j == 2;
          sb.append(
              String.format(
                  Locale.ROOT,
                  "%s,%s,m%d,%s,%.0f,%.0f,%.0f,%s,%s,%d,%d%n",
                  id,
                  dataset,
                  i,
                  diverged ? "diverged" : "done",
                  n * 1.3,
                  n,
                  d,
                  diverged ? "" : String.format(Locale.ROOT, "%.6f", loss),
                  diverged ? "nan" : String.format(Locale.ROOT, "%.6f", loss * 1.01),
                  64 * (i + 1),
                  2 + i));
        }
      }
    }
    return sb.toString();
  }

  /** ID estimates: MLE and TwoNN for layers 1 and 2 of every run; the largest run's d is 12. */
  public static String estimates() {
    StringBuilder sb =
        new StringBuilder(
            "sweep,run_id,model,parameters,activation,layer,site,estimator,k,combine,metric,"
                + "protocol,n,dim,id,ci_low,ci_high,batch_count,batch_std,batch_min,batch_max,"
                + "seconds\n");
    for (String dataset : new String[] {"tiny", "sql"}) {
      for (int i = 0; i < SIZES.length; i++) {
        for (int j = 0; j < TOKENS.length; j++) {
          String id = dataset + "-n" + i + "-d" + j;
          for (int layer = 1; layer <= 2; layer++) {
            double d = (dataset.equals("tiny") ? 12 : 8) + layer - 2 - (2 - i) * 0.5;
            sb.append(
                String.format(
                    Locale.ROOT,
                    "s,%s,m%d,%.0f,h,%d,out,mle,20,mean,euclidean,global,1000,64,%.3f,%.3f,%.3f,"
                        + ",,,,1.0%n",
                    id,
                    i,
                    SIZES[i],
                    layer,
                    d,
                    d - 0.5,
                    d + 0.5));
            sb.append(
                String.format(
                    Locale.ROOT,
                    "s,%s,m%d,%.0f,h,%d,out,twonn,2,,euclidean,global,1000,64,%.3f,,,,,,,1.0%n",
                    id,
                    i,
                    SIZES[i],
                    layer,
                    d + 1));
          }
        }
      }
    }
    return sb.toString();
  }

  /** Layer ablation rows for the largest run of each dataset. */
  public static String layers() {
    return "run_id,parameters,activation,layer,site,n,id,ci_low,ci_high\n"
        + "tiny-n2-d3,16000000,h,0,out,1000,9.5,9.0,10.0\n"
        + "tiny-n2-d3,16000000,h,1,out,1000,11.0,10.5,11.5\n"
        + "tiny-n2-d3,16000000,h,2,out,1000,12.0,11.5,12.5\n"
        + "sql-n2-d3,16000000,h,1,out,1000,7.0,6.5,7.5\n"
        + "sql-n2-d3,16000000,h,2,out,1000,8.0,7.5,8.5\n";
  }

  /** Position ablation rows for the largest run of each dataset. */
  public static String positions() {
    return "run_id,parameters,activation,layer,window_start,window_end,n,id,ci_low,ci_high,skipped\n"
        + "tiny-n2-d3,16000000,h,2,0,64,500,10.0,9.0,11.0,\n"
        + "tiny-n2-d3,16000000,h,2,64,128,500,12.0,11.0,13.0,\n"
        + "tiny-n2-d3,16000000,h,2,128,192,0,,,,too few points\n"
        + "sql-n2-d3,16000000,h,2,0,64,500,7.5,7.0,8.0,\n";
  }
}
