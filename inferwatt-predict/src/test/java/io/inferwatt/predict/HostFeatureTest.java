package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.model.LayerSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host's work per inference as an input: one launch per layer paced by the CPU clock ({@code
 * log_network_host}), and that work relative to the time the network's other layers keep the GPU
 * busy ({@code log_network_host_per_others_ms}), which decides whether a layer waits for the host.
 */
class HostFeatureTest {

  private static final LayerSpec CONV =
      new LayerSpec("c", "Conv", List.of(8, 14, 14), List.of(8, 14, 14), 3, 1, 1, 112_896, 576);

  private static FeatureSpace space() {
    return FeatureSpace.of(
        List.of(
            Map.of("cpu.freq_khz", "1479000", "gpu.freq_hz", "921600000"),
            Map.of("cpu.freq_khz", "307200", "gpu.freq_hz", "768000000")));
  }

  @Test
  void hostWorkIsTheLayerCountOverTheCpuClock() {
    FeatureSpace s = space();
    FeatureSpace.Context c = new FeatureSpace.Context(50, 1, 1, Double.NaN, 4.0);
    double[] fast = s.row(CONV, c, Map.of("cpu.freq_khz", "1479000", "gpu.freq_hz", "921600000"));
    double[] slow = s.row(CONV, c, Map.of("cpu.freq_khz", "307200", "gpu.freq_hz", "921600000"));
    assertThat(fast[FeatureSpace.HOST]).isCloseTo(Math.log(50 / 1.479), within(1e-9));
    assertThat(slow[FeatureSpace.HOST] - fast[FeatureSpace.HOST])
        .isCloseTo(Math.log(1479000 / 307200.0), within(1e-9));
    assertThat(slow[FeatureSpace.HOST_PER_OTHERS])
        .isCloseTo(slow[FeatureSpace.HOST] - Math.log(4.001), within(1e-9));
    assertThat(s.names().get(FeatureSpace.HOST)).isEqualTo("log_network_host");
    assertThat(s.names().get(FeatureSpace.HOST_PER_OTHERS))
        .isEqualTo("log_network_host_per_others_ms");
  }

  @Test
  void theRatioFollowsTheOthersTimeAndIsZeroWithoutIt() {
    FeatureSpace s = space();
    double[] x =
        s.row(
            CONV,
            new FeatureSpace.Context(50, 1, 1, Double.NaN, Double.NaN),
            Map.of("cpu.freq_khz", "307200"));
    assertThat(x[FeatureSpace.HOST_PER_OTHERS]).isZero();
    FeatureSpace.setOthers(x, 10);
    assertThat(x[FeatureSpace.OTHERS]).isCloseTo(Math.log(10.001), within(1e-9));
    assertThat(x[FeatureSpace.HOST_PER_OTHERS])
        .isCloseTo(x[FeatureSpace.HOST] - Math.log(10.001), within(1e-9));
  }

  @Test
  void withoutACpuClockSettingTheHostWorkIsTheLayerCount() {
    FeatureSpace s = FeatureSpace.of(List.of(Map.of("batch", "1"), Map.of("batch", "4")));
    double[] x =
        s.row(CONV, new FeatureSpace.Context(7, 1, 1, Double.NaN, 2.0), Map.of("batch", "1"));
    assertThat(x[FeatureSpace.HOST]).isCloseTo(Math.log(7), within(1e-9));
  }
}
