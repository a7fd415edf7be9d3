package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.Rail;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NVML through a fake binding; the real-GPU test skips itself where there is no NVIDIA driver. */
class NvmlSourceTest {

  /** Two GPUs: gpu0 supports field 186, gpu1 does not (an old GPU). */
  static final class FakeNvml implements NvmlBinding {
    int powerCalls;
    boolean closed;
    double instantMw = 71_250;

    @Override
    public int deviceCount() {
      return 2;
    }

    @Override
    public String name(int gpu) {
      return gpu == 0 ? "NVIDIA H100 PCIe" : "Tesla K40m";
    }

    @Override
    public long powerUsageMw(int gpu) {
      powerCalls++;
      return 62_000;
    }

    @Override
    public long totalEnergyMj(int gpu) {
      return 123_456_789L;
    }

    @Override
    public FieldValue[] fieldValues(int gpu, int... ids) {
      FieldValue[] out = new FieldValue[ids.length];
      for (int i = 0; i < ids.length; i++) {
        if (gpu == 1) {
          out[i] = new FieldValue(ids[i], ERROR_NOT_SUPPORTED, 0, 0);
        } else if (ids[i] == FI_POWER_INSTANT) {
          out[i] = new FieldValue(ids[i], SUCCESS, 1_700_000_000_000_000L, instantMw);
        } else {
          out[i] = new FieldValue(ids[i], SUCCESS, 1_700_000_000_000_000L, 70_000);
        }
      }
      return out;
    }

    @Override
    public List<TimedValue> powerSamples(int gpu, long lastSeenUs) {
      List<TimedValue> all =
          List.of(
              new TimedValue(1_700_000_000_000_000L, 70_000),
              new TimedValue(1_700_000_000_020_000L, 90_000));
      return all.stream().filter(v -> v.timestampUs() > lastSeenUs).toList();
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void readsInstantFieldAndFallsBackToPowerUsage() {
    FakeNvml fake = new FakeNvml();
    NvmlSource s = new NvmlSource(fake, new EpochToMonotonic(0, 0));
    assertThat(s.rails()).extracting(Rail::name).containsExactly("gpu0", "gpu1");
    assertThat(s.rails()).noneMatch(Rail::total);
    assertThat(s.settings()).containsEntry("gpu0.name", "NVIDIA H100 PCIe");
    assertThat(s.settings().get("gpu1.power_reading")).contains("nvmlDeviceGetPowerUsage");
    Reading r = s.read();
    assertThat(r.powerMw()).containsExactly(71_250, 62_000);
    assertThat(r.voltageMv()[0]).isNaN();
    assertThat(fake.powerCalls).isEqualTo(1);
    assertThat(s.averagePowerMw(0)).isEqualTo(70_000);
    assertThat(s.averagePowerMw(1)).isNaN();
    assertThat(s.totalEnergyMj(0)).isEqualTo(123_456_789L);
    s.close();
    s.close();
    assertThat(fake.closed).isTrue();
  }

  @Test
  void bufferedSamplesMoveToMonotonicTime() {
    // epoch ns = monotonic ns + offset
    long offsetNs = 1_700_000_000_000_000_000L - 5_000_000_000L;
    NvmlSource s = new NvmlSource(new FakeNvml(), new EpochToMonotonic(offsetNs, 2_000));
    List<PowerSample> samples = s.powerSamples(0, 0);
    assertThat(samples)
        .extracting(PowerSample::tNs)
        .containsExactly(5_000_000_000L, 5_020_000_000L);
    assertThat(samples.get(1).powerMw()[0]).isEqualTo(90_000);
    assertThat(samples.get(1).powerMw()[1]).isNaN();
    assertThat(s.powerSamples(0, 1_700_000_000_000_000L)).hasSize(1);
  }

  @Test
  void missingLibraryIsAbsentWithReason() {
    List<PowerSource> present = new ArrayList<>();
    List<AbsentSource> absent = new ArrayList<>();
    NvmlSource.probe(
        true,
        () -> {
          throw new NvmlBinding.NvmlException(
              "loading libnvidia-ml.so.1", 12, "no NVIDIA driver library");
        },
        present,
        absent);
    assertThat(present).isEmpty();
    assertThat(absent.get(0).reason()).startsWith("no driver:").contains("NVML error 12");
    NvmlSource.probe(false, FakeNvml::new, present, absent);
    assertThat(absent.get(1).reason()).startsWith("not looked for");
  }

  @Test
  void fakeSourceFeedsTheLogger() throws Exception {
    NvmlSource s = new NvmlSource(new FakeNvml(), new EpochToMonotonic(0, 0));
    try (PowerLogger logger =
        PowerLogger.create(
            List.of(s), PowerLogger.Options.defaults().withPeriod(java.time.Duration.ZERO))) {
      logger.start();
      PowerSample p = logger.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(p.powerMw()).containsExactly(71_250, 62_000);
    }
    s.close();
  }

  /** Real NVML: needs an NVIDIA GPU and driver; skipped elsewhere. */
  @Test
  void realGpu() {
    NvmlBinding b;
    try {
      b = JnaNvml.load();
    } catch (NvmlBinding.NvmlException | UnsatisfiedLinkError e) {
      assumeTrue(false, "no NVIDIA GPU/driver here: " + e.getMessage());
      return;
    }
    assumeTrue(b.deviceCount() > 0, "NVML found no GPU");
    try (NvmlSource s = new NvmlSource(b, EpochToMonotonic.measure())) {
      double p = s.read().powerMw()[0];
      assertThat(p).isGreaterThan(0).isLessThan(2_000_000);
      assertThat(s.totalEnergyMj(0)).isPositive();
    }
  }
}
