package io.inferwatt.hardware.sensors;

import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.Rail;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * NVIDIA GPUs through NVML: one rail per GPU ({@code gpu0}, ...), read as {@code
 * NVML_FI_DEV_POWER_INSTANT} (field 186) and, where that field is not supported, {@code
 * nvmlDeviceGetPowerUsage} (a 1 s average on Ampere except GA100 and newer; the source says which
 * in {@link #settings()}). It also gives the 1 s average (field 185), the energy counter and the
 * driver's buffered power samples on the monotonic time base. Voltage and current are NaN.
 */
public final class NvmlSource implements PowerSource {

  static final String KIND = "nvml";

  private final NvmlBinding nvml;
  private final List<Rail> rails;
  private final boolean[] instantSupported;
  private final Map<String, String> settings;
  private final EpochToMonotonic clocks;
  private boolean closed;

  /**
   * The source over {@code nvml} (the real library or a simulated one), its epoch timestamps placed
   * on the monotonic time base by {@code clocks}. It owns the binding: {@link #close()} closes it.
   */
  public static NvmlSource over(NvmlBinding nvml, EpochToMonotonic clocks) {
    return new NvmlSource(nvml, clocks);
  }

  NvmlSource(NvmlBinding nvml, EpochToMonotonic clocks) {
    this.nvml = nvml;
    this.clocks = clocks;
    int n = nvml.deviceCount();
    List<Rail> r = new ArrayList<>();
    instantSupported = new boolean[n];
    Map<String, String> s = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = nvml.name(i);
      NvmlBinding.FieldValue fv = nvml.fieldValues(i, NvmlBinding.FI_POWER_INSTANT)[0];
      instantSupported[i] = fv.nvmlReturn() == NvmlBinding.SUCCESS;
      s.put("gpu" + i + ".name", name);
      s.put(
          "gpu" + i + ".power_reading",
          instantSupported[i]
              ? "instant (field 186)"
              : "nvmlDeviceGetPowerUsage (field 186 returned NVML error " + fv.nvmlReturn() + ")");
      r.add(new Rail("gpu" + i, name, "whole GPU board " + i + " (chip and memory), NVML", n == 1));
    }
    s.put("epoch_to_monotonic_uncertainty_ns", Long.toString(clocks.uncertaintyNs()));
    rails = List.copyOf(r);
    settings = Map.copyOf(s);
  }

  /**
   * Loads NVML through {@code binding} and adds the source, or the reason it is absent. NVML is not
   * a file, so with a {@code root} other than {@code /} it is not looked for.
   */
  static void probe(
      boolean realRoot,
      Supplier<NvmlBinding> binding,
      List<PowerSource> present,
      List<AbsentSource> absent) {
    if (!realRoot) {
      absent.add(
          new AbsentSource(
              KIND,
              "libnvidia-ml.so.1",
              "not looked for: a root folder is given and NVML is a library, not a file"));
      return;
    }
    NvmlBinding b;
    try {
      b = binding.get();
    } catch (NvmlBinding.NvmlException e) {
      absent.add(new AbsentSource(KIND, "libnvidia-ml.so.1", "no driver: " + e.getMessage()));
      return;
    } catch (LinkageError e) {
      absent.add(new AbsentSource(KIND, "libnvidia-ml.so.1", "no JNA or no driver: " + e));
      return;
    }
    try {
      if (b.deviceCount() == 0) {
        b.close();
        absent.add(new AbsentSource(KIND, "libnvidia-ml.so.1", "no GPU: NVML found 0 devices"));
        return;
      }
      present.add(new NvmlSource(b, EpochToMonotonic.measure()));
    } catch (NvmlBinding.NvmlException e) {
      b.close();
      absent.add(new AbsentSource(KIND, "libnvidia-ml.so.1", e.getMessage()));
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String where() {
    return "libnvidia-ml.so.1";
  }

  @Override
  public List<Rail> rails() {
    return rails;
  }

  @Override
  public Map<String, String> settings() {
    return settings;
  }

  @Override
  public Reading read() {
    check();
    Reading r = Reading.empty(rails.size());
    Errors errors = new Errors();
    for (int i = 0; i < rails.size(); i++) {
      try {
        if (instantSupported[i]) {
          NvmlBinding.FieldValue v = nvml.fieldValues(i, NvmlBinding.FI_POWER_INSTANT)[0];
          if (v.nvmlReturn() == NvmlBinding.SUCCESS) {
            r.powerMw()[i] = v.value();
          } else {
            errors.add("NVML field 186 of gpu" + i + " returned error " + v.nvmlReturn());
          }
        } else {
          r.powerMw()[i] = nvml.powerUsageMw(i);
        }
      } catch (NvmlBinding.NvmlException e) {
        errors.add("gpu" + i + ": " + e.getMessage());
      }
    }
    String e = errors.message();
    return e == null ? r : r.withError(e);
  }

  /** Power averaged over 1 s (field 185) in mW; NaN where the GPU does not support it. */
  public double averagePowerMw(int gpu) {
    check();
    NvmlBinding.FieldValue v = nvml.fieldValues(gpu, NvmlBinding.FI_POWER_AVERAGE)[0];
    return v.nvmlReturn() == NvmlBinding.SUCCESS ? v.value() : Double.NaN;
  }

  /** The energy counter in mJ since the driver was loaded (Volta and newer). */
  public long totalEnergyMj(int gpu) {
    check();
    return nvml.totalEnergyMj(gpu);
  }

  /**
   * The driver's buffered power samples of {@code gpu} newer than {@code lastSeenUs} (epoch µs, 0
   * for all), as samples on the monotonic time base; the other GPUs' values are NaN.
   */
  public List<PowerSample> powerSamples(int gpu, long lastSeenUs) {
    check();
    List<PowerSample> out = new ArrayList<>();
    for (NvmlBinding.TimedValue v : nvml.powerSamples(gpu, lastSeenUs)) {
      double[] p = new double[rails.size()];
      Arrays.fill(p, Double.NaN);
      p[gpu] = v.value();
      out.add(PowerSample.at(clocks.epochMicrosToMonotonicNs(v.timestampUs()), p));
    }
    return out;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("NVML source is closed");
    }
  }

  /** Not known: 20 to 100 ms depending on the GPU (measure it). */
  @Override
  public OptionalLong updatePeriodNs() {
    return OptionalLong.empty();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      nvml.close();
    }
  }
}
