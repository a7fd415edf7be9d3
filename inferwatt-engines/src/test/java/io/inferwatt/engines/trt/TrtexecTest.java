package io.inferwatt.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.io.FormatException;
import io.inferwatt.engines.feed.ClockAlignment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** trtexec exports, one fixture per TensorRT version family (see resources/trt/README.md). */
class TrtexecTest {

  private static InputStream fixture(String name) {
    return TrtexecTest.class.getResourceAsStream("/trt/" + name);
  }

  @Test
  void parseTimes_8_2_hasEndToEnd() throws IOException {
    try (InputStream in = fixture("times-8.2.json")) {
      List<Trtexec.Iteration> it = Trtexec.parseTimes(in, "times-8.2.json");
      assertThat(it).hasSize(2);
      assertThat(it.get(0).computeMs()).isEqualTo(1.919);
      assertThat(it.get(0).endToEndMs()).hasValue(2.092);
      assertThat(it.get(1).h2dMs() + it.get(1).computeMs() + it.get(1).d2hMs())
          .isCloseTo(it.get(1).latencyMs(), org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void parseTimes_10_3_hasNoEndToEndAndZeroTransfers() throws IOException {
    try (InputStream in = fixture("times-10.3.json")) {
      List<Trtexec.Iteration> it = Trtexec.parseTimes(in, "times-10.3.json");
      assertThat(it).hasSize(3);
      assertThat(it.get(0).endToEndMs()).isEmpty();
      assertThat(it.get(0).startEnqMs()).isEqualTo(3.789); // host clock
      assertThat(it.get(0).startComputeMs()).isEqualTo(3.683); // GPU event clock
      assertThat(it.get(2).h2dMs()).isZero();
    }
  }

  @Test
  void parseProfile_8_2_hasNoMedian() throws IOException {
    try (InputStream in = fixture("profile-8.2.json")) {
      Trtexec.Profile p = Trtexec.parseProfile(in, "profile-8.2.json");
      assertThat(p.count()).isEqualTo(120);
      assertThat(p.layers())
          .extracting(Trtexec.LayerTime::name)
          .containsExactly("Conv_0 + Relu_1", "MaxPool_2", "Conv_5 + Add_6 + Relu_7");
      assertThat(p.layers().get(0).medianMs()).isEmpty();
      assertThat(p.layers().get(0).averageMs()).isEqualTo(0.18);
    }
  }

  @Test
  void parseProfile_10_3_hasMedianAndReformatLayers() throws IOException {
    try (InputStream in = fixture("profile-10.3.json")) {
      Trtexec.Profile p = Trtexec.parseProfile(in, "profile-10.3.json");
      assertThat(p.count()).isEqualTo(1568);
      assertThat(p.layers()).hasSize(3);
      assertThat(p.layers().get(0).timeMs()).isZero();
      assertThat(p.layers().get(1).medianMs()).hasValue(0.159744);
    }
  }

  @Test
  void malformedExportsNameTheProblem() {
    assertThatThrownBy(
            () ->
                Trtexec.parseTimes(
                    new ByteArrayInputStream("[{\"computeMs\":1}]".getBytes()), "t.json"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("t.json")
        .hasMessageContaining("startEnqMs");
    assertThatThrownBy(
            () ->
                Trtexec.parseProfile(
                    new ByteArrayInputStream(
                        "[{\"name\":\"a\",\"timeMs\":1,\"averageMs\":1,\"percentage\":1}]"
                            .getBytes()),
                    "p.json"))
        .hasMessageContaining("count");
  }

  @Test
  void crossCorrelationRecoversAKnownOffsetWithinOneSamplePeriod() {
    SplittableRandom r = new SplittableRandom(7);
    long periodNs = 1_000_000; // 1 kHz power logger
    long trueOffsetNs = 1_234_567_891L; // monotonic ns of trtexec's run start
    List<double[]> windows = new ArrayList<>();
    double t = 5;
    for (int i = 0; i < 150; i++) { // irregular compute windows, as real runs have
      double compute = r.nextDouble(1.5, 4.0);
      windows.add(new double[] {t, t + compute});
      t += compute + r.nextDouble(0.5, 6.0);
    }
    List<PowerSample> samples = new ArrayList<>();
    long startNs = trueOffsetNs - 200_000_000;
    long endNs = trueOffsetNs + (long) (t * 1e6) + 200_000_000;
    int w = 0;
    for (long s = startNs; s < endNs; s += periodNs) {
      double ms = (s - trueOffsetNs) / 1e6;
      while (w < windows.size() && windows.get(w)[1] <= ms) {
        w++;
      }
      boolean busy = w < windows.size() && windows.get(w)[0] <= ms;
      samples.add(PowerSample.at(s, 0, (busy ? 5200 : 2100) + r.nextGaussian() * 150));
    }
    ClockAlignment a =
        TraceAlignment.align(
            windows, samples, 1, trueOffsetNs - 150_000_000, trueOffsetNs + 150_000_000);
    assertThat(Math.abs(a.offsetNs() - trueOffsetNs)).isLessThanOrEqualTo(periodNs);
    assertThat(a.uncertaintyNs()).isEqualTo(periodNs);
    assertThat(a.consistent()).isTrue();
  }
}
