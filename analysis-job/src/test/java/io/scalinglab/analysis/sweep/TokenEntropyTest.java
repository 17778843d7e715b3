package io.scalinglab.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.analysis.report.AnalysisOutput;
import io.scalinglab.core.store.Provenance;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Entropies of sequences whose answer is known in closed form. */
class TokenEntropyTest {
  @Test
  void alternatingTokensHaveOneBitUnigramAndNoBigramUncertainty() {
    int[] t = new int[4000];
    for (int i = 0; i < t.length; i++) {
      t[i] = i % 2;
    }
    TokenEntropy e = TokenEntropy.of(t, t.length);
    // 2000 of each token: exactly ln 2; each token fixes the next: exactly 0 (up to rounding)
    assertEquals(Math.log(2), e.unigram(), 1e-12);
    assertEquals(0, e.bigram(), 1e-12);
    assertEquals(0, e.bigramBias(), 1e-12, "2 pairs seen, 2 contexts: no free cells");
  }

  @Test
  void pairsOfRepeatsLeaveOneBitGivenThePreviousToken() {
    // 0 0 1 1 0 0 1 1 ...: after either token the next is the same or the other, half each
    int[] t = new int[4000];
    for (int i = 0; i < t.length; i++) {
      t[i] = (i / 2) % 2;
    }
    TokenEntropy e = TokenEntropy.of(t, t.length);
    assertEquals(Math.log(2), e.unigram(), 1e-12);
    // the first and last pair break the halves by one count in 3999: a shift below 1e-6
    assertEquals(Math.log(2), e.bigram(), 1e-6);
  }

  @Test
  void independentUniformTokensApproachLogVocabularyOnBothLevels() {
    SplittableRandom random = new SplittableRandom(11);
    int n = 200_000;
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = random.nextInt(16);
    }
    TokenEntropy e = TokenEntropy.of(t, n);
    // Plug-in estimates fall short of ln 16 by Miller's (cells - 1) / 2n: 15/4e5 for unigrams and
    // (256 - 16) / 4e5 = 6e-4 for the conditional. For a uniform source the first-order sampling
    // variance vanishes; the second-order sd, sqrt(2 (cells - 1)) / 2n, is below 6e-5 for 256
    // cells, so 1e-3 is more than 15 of them.
    assertEquals(Math.log(16), e.unigram(), 1e-3);
    assertEquals(Math.log(16), e.bigram() + e.bigramBias(), 1e-3);
    assertEquals(240.0 / (2 * (n - 1)), e.bigramBias(), 1e-12);
  }

  @Test
  void fewerThanTwoTokensFail() {
    assertThrows(IllegalArgumentException.class, () -> TokenEntropy.of(new int[] {1}, 1));
  }

  @Test
  void analysisCarriesTheEntropiesIntoTheDatasetResultAndFitsJson() throws Exception {
    SweepData d = SweepAnalysisFixture.data();
    TokenEntropy e = new TokenEntropy(1000, 3.5, 2.6, 0.01);
    SweepData with =
        new SweepData(
            d.runs(), d.ids(), d.layers(), d.positions(), d.convergence(), Map.of("tiny", e));
    AnalysisResult result = SweepAnalysis.analyze(with, SweepAnalysisFixture.SETTINGS, s -> {});
    DatasetResult tiny =
        result.datasets().stream().filter(r -> r.dataset().equals("tiny")).findFirst().get();
    assertEquals(e, tiny.entropy().orElseThrow());
    AnalysisOutput out =
        AnalysisOutput.build(result, "s", List.of(), "{}", Provenance.capture("{}", Map.of()));
    JsonNode json = new ObjectMapper().readTree(out.files().get(AnalysisOutput.FITS_JSON));
    JsonNode datasets = json.path("datasets");
    for (JsonNode ds : datasets) {
      if (ds.path("dataset").asText().equals("tiny")) {
        assertEquals(2.6, ds.path("val_entropy").path("bigram").asDouble());
        assertEquals(3.5, ds.path("val_entropy").path("unigram").asDouble());
      } else {
        assertEquals(true, ds.path("val_entropy").isMissingNode(), "no shards, no entropy");
      }
    }
  }
}
