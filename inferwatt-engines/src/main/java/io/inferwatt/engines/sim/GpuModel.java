package io.inferwatt.engines.sim;

import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole model of the virtual datacenter GPU ({@code sim:gpu}, H100/H200-like, one NVML power
 * domain): every coefficient of latency, power and the NVML sensor, in one place. {@code
 * docs/virtual-gpu.md} states the assumptions; nothing here is calibrated to a measurement.
 *
 * <p>Latency. Each layer is one or a few kernels issued eagerly (as PyTorch does): a launch cost,
 * then the longer of its compute time and its memory time. Compute runs at an efficiency that grows
 * with the layer's work ({@code flops / (flops + SAT_FLOPS)} of the peak), so small layers at batch
 * 1 use a few per cent of the chip; memory moves the layer's activations and weights at an
 * effective bandwidth. Both scale with the locked graphics clock (memory only weakly).
 *
 * <p>Power (the board: chip and HBM). An active base (clocks up, a context resident) plus a compute
 * part ∝ the share of the layer's time spent computing, weighted by its efficiency, plus a memory
 * part ∝ the share spent moving data; the compute part scales with f·V(f)². Between inferences (the
 * host's turn) and in the tail the GPU draws the active base; with no inference it falls to its
 * idle power. A slow zero-mean wander (temperature, fans) is added to the true power and left out
 * of the truth: it belongs to no layer, and it is what interleaved rounds cancel.
 */
final class GpuModel {

  // ---------------------------------------------------------------- clock (locked, MHz)
  static final int MAX_CLOCK_MHZ = 1980;
  static final List<Integer> CLOCKS_MHZ = List.of(810, 1095, 1380, 1590, 1785, 1980);

  // ---------------------------------------------------------------- latency
  /** Reachable dense throughput at the top clock (TF32 tensor cores), FLOP/s. */
  static final double PEAK_FLOPS = 400e12;

  /** Work at which a layer reaches half the peak, FLOPs. */
  static final double SAT_FLOPS = 2e9;

  /** Depthwise convolutions reach this share of the dense efficiency (no tensor cores). */
  static final double DEPTHWISE_EFFICIENCY = 0.1;

  /** Effective HBM bandwidth, bytes/s (H200: 4.8 TB/s peak). */
  static final double BANDWIDTH_BPS = 3.4e12;

  /** Bytes per element (fp32 activations and weights). */
  static final int BYTES = 4;

  /** Launch cost of a compute layer (conv or GEMM with its batch norm and activation), ns. */
  static final double LAUNCH_HEAVY_NS = 12_000;

  /** Launch cost of a light layer (add, pool, reshape), ns. */
  static final double LAUNCH_LIGHT_NS = 5_000;

  /**
   * Unattributed tail per inference (the final synchronise; the output stays on the GPU, as in the
   * PyTorch runner, so the tail does not depend on which layer is last), ns.
   */
  static final double TAIL_NS = 25_000;

  /** Host gap between inferences (the Python loop issuing the next forward), ns. */
  static final double GAP_NS = 8_000;

  /** Relative standard deviation of an inference's duration, sync and async. */
  static final double JITTER_SYNC = 0.01;

  static final double JITTER_ASYNC = 0.004;

  /** Relative standard deviation of one layer's duration around the inference's. */
  static final double JITTER_LAYER = 0.015;

  // ---------------------------------------------------------------- power, mW
  /** No inference running (clocks may drop), mW. */
  static final double IDLE_MW = 75_000;

  /** Clocks up, a context resident, no kernel running, mW. */
  static final double ACTIVE_BASE_MW = 115_000;

  /** Compute power at full efficiency and the top clock, mW. */
  static final double COMPUTE_MW = 420_000;

  /** Share of the compute power drawn even at low efficiency (the SMs are busy). */
  static final double COMPUTE_FLOOR = 0.35;

  /** Memory power when the layer moves data all the time, mW. */
  static final double MEMORY_MW = 110_000;

  /** The board's power limit, mW (H200 SXM). */
  static final double POWER_LIMIT_MW = 700_000;

  /** Amplitude of the slow wander of the board's power, mW. */
  static final double WANDER_MW = 500;

  /** Period of the wander, ns. */
  static final long WANDER_PERIOD_NS = 23_000_000_000L;

  // ---------------------------------------------------------------- NVML (measured on an H200)
  /** The power field and the energy counter change this often, ns. */
  static final long NVML_UPDATE_NS = 100_000_000L;

  /** The power field (field 186) is the mean of this much before its update, ns. */
  static final long NVML_INSTANT_WINDOW_NS = 25_000_000L;

  /** The 1 s average (field 185, {@code nvmlDeviceGetPowerUsage} on Hopper), ns. */
  static final long NVML_AVERAGE_WINDOW_NS = 1_000_000_000L;

  /** The driver's power sample buffer gets a sample this often, ns. */
  static final long NVML_BUFFER_PERIOD_NS = 20_000_000L;

  /** Each buffered sample is the mean of this much before it, ns. */
  static final long NVML_BUFFER_WINDOW_NS = 25_000_000L;

  /** Samples the driver keeps. */
  static final int NVML_BUFFER_CAPACITY = 100;

  /** Mean cost of one NVML call from Java (≈250 power+energy pairs per second), ns. */
  static final long NVML_CALL_NS = 2_000_000L;

  /** Spread of one call's cost (uniform, ±), ns. */
  static final long NVML_CALL_SPREAD_NS = 300_000L;

  private GpuModel() {}

  /** The clock voltage relative to the top clock's: linear from 0.70 at 810 MHz to 1. */
  static double voltRel(int clockMhz) {
    return 0.70 + 0.30 * (clockMhz - 810) / (double) (MAX_CLOCK_MHZ - 810);
  }

  private static boolean heavy(String type) {
    return type.equals("Conv") || type.equals("DepthwiseConv") || type.equals("Gemm");
  }

  /** A layer's truth and the inference's tail, gap and idle, at {@code clockMhz}. */
  record Plan(List<double[]> layers, double tailNs, double tailMw, double gapNs, double gapMw) {}

  /**
   * Nominal durations (ns, index 0) and true power (mW, index 1) of every layer of {@code w} at
   * {@code clockMhz}, with the tail and the gap.
   */
  static Plan plan(Workload w, int clockMhz) {
    double clock = clockMhz / (double) MAX_CLOCK_MHZ;
    double v = voltRel(clockMhz);
    double dyn = clock * v * v;
    int batch = w.batch();
    List<double[]> out = new ArrayList<>();
    for (LayerSpec l : w.network().layers()) {
      double flops = 2.0 * l.macs() * batch;
      double eff = flops / (flops + SAT_FLOPS);
      if (l.type().equals("DepthwiseConv")) {
        eff *= DEPTHWISE_EFFICIENCY;
      }
      double computeNs = flops > 0 ? flops / (PEAK_FLOPS * Math.max(eff, 1e-6) * clock) * 1e9 : 0;
      double bytes =
          BYTES * ((l.inputElements() + l.outputElements()) * (double) batch + l.params());
      double memNs = bytes / BANDWIDTH_BPS * 1e9 / (0.8 + 0.2 * clock);
      double launch = (heavy(l.type()) ? LAUNCH_HEAVY_NS : LAUNCH_LIGHT_NS) / (0.6 + 0.4 * clock);
      double busy = Math.max(computeNs, memNs);
      double dur = launch + busy;
      double computeShare = computeNs / dur;
      double memShare = memNs / dur;
      double p =
          ACTIVE_BASE_MW
              + COMPUTE_MW * dyn * computeShare * (COMPUTE_FLOOR + (1 - COMPUTE_FLOOR) * eff)
              + MEMORY_MW * memShare;
      if (w.mode() == ExecutionMode.ASYNC) {
        p += 0.05 * (p - ACTIVE_BASE_MW); // copies overlap kernels
      }
      out.add(new double[] {Math.max(1, dur), Math.min(p, POWER_LIMIT_MW)});
    }
    return new Plan(out, TAIL_NS, ACTIVE_BASE_MW + 5_000, GAP_NS, ACTIVE_BASE_MW);
  }

  /**
   * The plan of {@code w} at {@code clockMhz} under a power limit of {@code limitMw}: a layer whose
   * power at that clock is above the limit runs at the highest lower clock whose power is within it
   * (the driver's power capping lowers the clock), or at the lowest clock, its power held at the
   * limit, when none is.
   */
  static Plan plan(Workload w, int clockMhz, double limitMw) {
    Plan top = plan(w, clockMhz);
    if (limitMw >= POWER_LIMIT_MW) {
      return top;
    }
    List<Plan> lower = new ArrayList<>();
    for (int i = CLOCKS_MHZ.size() - 1; i >= 0; i--) {
      if (CLOCKS_MHZ.get(i) < clockMhz) {
        lower.add(plan(w, CLOCKS_MHZ.get(i)));
      }
    }
    List<double[]> out = new ArrayList<>();
    for (int l = 0; l < top.layers().size(); l++) {
      double[] chosen = top.layers().get(l);
      for (int i = 0; chosen[1] > limitMw && i < lower.size(); i++) {
        chosen = lower.get(i).layers().get(l);
      }
      out.add(new double[] {chosen[0], Math.min(chosen[1], limitMw)});
    }
    return new Plan(out, top.tailNs(), top.tailMw(), top.gapNs(), top.gapMw());
  }

  /** The power limits the virtual board offers, mW: 200 W to its 700 W maximum in 50 W steps. */
  static List<String> powerLimitsMw() {
    List<String> out = new ArrayList<>();
    for (long mw = 200_000; mw <= (long) POWER_LIMIT_MW; mw += 50_000) {
      out.add(Long.toString(mw));
    }
    return out;
  }

  /** The slow wander of the board's power at virtual time {@code tNs}, mW (zero mean). */
  static double wanderMw(long tNs, double phase) {
    return WANDER_MW * Math.sin(2 * Math.PI * (tNs / (double) WANDER_PERIOD_NS) + phase);
  }
}
