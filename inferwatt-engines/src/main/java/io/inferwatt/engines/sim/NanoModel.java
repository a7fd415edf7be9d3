package io.inferwatt.engines.sim;

import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole model of the virtual Jetson Nano: every coefficient of latency and power, with the
 * paper figure it is calibrated to. {@code docs/virtual-nano.md} explains the model; this class is
 * the one place its numbers live.
 *
 * <p>Paper: Holly, Wendt, Lechner, "Profiling Energy Consumption of Deep Neural Networks on NVIDIA
 * Jetson Nano". The calibration base (chosen because the paper's figures disagree with each other,
 * see {@code docs/virtual-nano.md}): MobileNetV2, batch 1, sync, fixed random input, 4 cores, CPU
 * 1479 MHz, GPU 921.6 MHz → latency ≈19.5 ms, input rail ≈6.1 W, GPU rail ≈3.1 W, CPU rail ≈0.9 W.
 *
 * <p>Latency. A layer's GPU time has a part clocked by the GPU (compute and per-kernel work, scaled
 * by 921.6 MHz / f_gpu) and a part that is not (DRAM traffic and fixed overheads); its CPU time
 * (kernel launch and host-side work) scales with 1479 MHz / f_cpu. The layer takes the smooth
 * maximum of the two, so the CPU frequency matters only at its lowest steps (Fig. 5).
 *
 * <p>Power. Every rail is piecewise constant per layer. GPU rail: leakage plus a dynamic part ∝
 * f·V(f)², V flat up to 537.6 MHz and rising above it (the steeper rise from 614 MHz in Fig. 6,
 * shaped so that the energy per inference stays flat from 537.6 to 921.6 MHz: Table I), times the
 * layer's activity. CPU rail: a base, a per-online-core part ∝ f_cpu (Fig. 4, 5) and an active part
 * ∝ f_cpu times how busy the host is. The input rail is board static power, the sensing overhead,
 * and the CPU, GPU and an unmeasured memory/SoC share through a regulator efficiency.
 */
final class NanoModel {

  // ---------------------------------------------------------------- settings (§III.C)
  static final int MAX_CORES = 4;
  static final int MAX_CPU_KHZ = 1_479_000;
  static final long MAX_GPU_HZ = 921_600_000L;
  static final List<Integer> CPU_KHZ =
      List.of(
          102000, 204000, 307200, 403200, 518400, 614400, 710400, 825600, 921600, 1036800, 1132800,
          1224000, 1326000, 1428000, 1479000);
  static final List<Long> GPU_HZ =
      List.of(
          76800000L,
          153600000L,
          230400000L,
          307200000L,
          384000000L,
          460800000L,
          537600000L,
          614400000L,
          691200000L,
          768000000L,
          844800000L,
          921600000L);

  /**
   * GPU voltage relative to its floor, per step of {@link #GPU_HZ}. Flat up to 537.6 MHz (§III.C:
   * the GPU-rail energy has its minimum at 537 MHz), then rising so that the GPU rail bends upward
   * from 614 MHz (Fig. 6: slope above 614 MHz ≈1.6× the slope below) while the board's energy per
   * inference from 537.6 to 921.6 MHz stays within ≈1 % of its minimum at 844.8 MHz (Table I:
   * 537–921 MHz without significant losses, i.e. inside the optima's 2 %; §III.C: best at 844 MHz).
   * The top step gives Fig. 6's GPU rail at 921.6 MHz (3.1 W of its 3.5 W, see the base).
   */
  private static final double[] GPU_VOLT_REL = {
    1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.049, 1.085, 1.111, 1.122, 1.146
  };

  // ---------------------------------------------------------------- latency, ns (Fig. 6, 8)
  /** Dense conv and FC, GPU-clocked, ns per MAC at 921.6 MHz (fit to Fig. 8's four nets). */
  static final double DENSE_NS_PER_MAC = 0.00760605;

  /** Depthwise conv, GPU-clocked, ns per MAC at 921.6 MHz (fit to Fig. 8). */
  static final double DW_NS_PER_MAC = 0.0883342;

  /** Per tensor element read or written, GPU-clocked, ns at 921.6 MHz (fit to Fig. 8). */
  static final double ELEM_CLOCKED_NS = 0.203044;

  /** Per compute layer (Conv, DepthwiseConv, Gemm), GPU-clocked, ns at 921.6 MHz (Fig. 8). */
  static final double HEAVY_LAYER_CLOCKED_NS = 155430;

  /** Per tensor element, DRAM traffic (2 B at ≈7.7 GB/s), not GPU-clocked, ns (Fig. 6 offset). */
  static final double ELEM_DRAM_NS = 0.26;

  /** Per layer, fixed, not GPU-clocked, ns. */
  static final double LAYER_FIXED_NS = 5_000;

  /** Unattributed tail per inference (output copy, synchronisation), ns at batch 1 (§III.B). */
  static final double TAIL_NS = 300_000;

  /** Host gap between inferences (next input, next enqueue), ns. */
  static final double GAP_NS = 250_000;

  /** Host (CPU) time per compute layer at 1479 MHz, ns (Fig. 5: latency ×2 at 102 MHz). */
  static final double CPU_LAUNCH_NS = 49_000;

  /** Host time of a light layer (Reformat, Shuffle, Add, Pool) relative to a compute layer. */
  static final double CPU_LAUNCH_LIGHT = 0.25;

  /**
   * Exponent of the smooth maximum of an inference's GPU time and its host time (the host enqueues
   * ahead of the GPU, so only the totals race; higher = sharper knee, Fig. 5).
   */
  static final double SMOOTH_MAX_P = 8;

  /** Extra host time per inference per core taken offline, ns (Fig. 4: 1 core = +0.1 %). */
  static final double OFFLINE_CORE_NS = 6_500;

  /** Relative standard deviation of an inference's duration, sync / async (Fig. 7 variances). */
  static final double JITTER_SYNC = 0.015;

  static final double JITTER_ASYNC = 0.005;

  /** Relative standard deviation of one layer's duration around the inference's. */
  static final double JITTER_LAYER = 0.02;

  /** Batch sizes of the per-input time table (Fig. 7). */
  private static final int[] BATCHES = {1, 8, 16, 32};

  /** Per-input time relative to sync batch 1, sync mode (Fig. 7: 22.5 → 18.8 ms at B32). */
  private static final double[] PER_INPUT_SYNC = {1.00, 0.91, 0.895, 0.88};

  /** Per-input time relative to sync batch 1, async mode (Fig. 7: 20.6 → 14.9 ms, B16 best). */
  private static final double[] PER_INPUT_ASYNC = {0.955, 0.72, 0.69, 0.70};

  // ---------------------------------------------------------------- power, mW
  /**
   * Board input rail static power outside CPU, GPU and memory (Fig. 1, idle), mW. 400 rather than
   * 300: it lifts the energy per inference towards §III.C's 126 mWs at 844 MHz, and with it the GPU
   * rail that Table I's flat 537–921 MHz allows at the top step, so that Fig. 6's knee keeps a
   * slope ratio of ≈1.57 (≈1.54 with 300); sync B1 stays at Fig. 7's ≈6 W (6.1 W).
   */
  static final double BOARD_STATIC_MW = 400;

  /** Extra input-rail power while the power logger runs (Fig. 1 shows up to 1 W), mW. */
  static final double SENSING_MW = 300;

  /** Regulator efficiency from the input rail to CPU, GPU and memory. */
  static final double REGULATOR_EFFICIENCY = 0.85;

  /** GPU leakage at the voltage floor, mW; scales with V² (Fig. 6, 0.4 W at 76.8 MHz). */
  static final double GPU_LEAK_MW = 230;

  /** GPU dynamic power per MHz at the voltage floor and full activity, mW (Fig. 6: 3.5 W top). */
  static final double GPU_DYN_MW_PER_MHZ = 2.6;

  /** GPU activity while a layer waits for the host (Fig. 5: GPU power at 102/204 MHz CPU). */
  static final double GPU_WAIT_ACTIVITY = 0.3;

  /** GPU activity in the tail and the gap between inferences. */
  static final double GPU_IDLE_ACTIVITY = 0.08;

  /** Exponent of the GPU activity gain from faster per-input time (Fig. 7: async draws more). */
  static final double THROUGHPUT_GAMMA = 0.5;

  /** Extra GPU power in async mode (copy engines run next to kernels, Fig. 7), mW. */
  static final double ASYNC_EXTRA_MW = 150;

  /** CPU rail base power, mW. */
  static final double CPU_BASE_MW = 50;

  /** Cluster (L2, uncore) power at 1479 MHz, ∝ f_cpu, mW (Fig. 5: −12 % energy at 307 MHz). */
  static final double CPU_UNCORE_MW = 130;

  /** Power of one online core at 1479 MHz, ∝ f_cpu, mW (Fig. 4: 4→1 cores saves ≈7 %). */
  static final double CPU_CORE_MW = 120;

  /** Share of {@link #CPU_CORE_MW} an online core draws when the board is idle. */
  static final double CPU_CORE_IDLE_SHARE = 0.4;

  /** Power of the host thread at 1479 MHz when busy, ∝ f_cpu, mW (Fig. 5, 6). */
  static final double CPU_ACTIVE_MW = 200;

  /** Host activity while it waits for the GPU (Fig. 6: CPU +27 % at top GPU frequency). */
  static final double CPU_WAIT_ACTIVITY = 0.1;

  /**
   * Host work that follows the inference rate (driver, interrupts, copies) at 1479 MHz and the base
   * throughput, ∝ f_cpu, mW (Fig. 6: CPU power +27 % from the lowest to the top GPU step).
   */
  static final double CPU_RATE_MW = 200;

  /** Memory and rest of the SoC, static, mW (in the input rail only). */
  static final double MEM_STATIC_MW = 150;

  /** Memory and SoC dynamic power at the base throughput, mW (in the input rail only). */
  static final double MEM_DYN_MW = 450;

  /** Activity of a layer type relative to a dense conv (Fig. 2: power nearly constant). */
  private static final String[] TYPES = {
    "Conv", "DepthwiseConv", "Gemm", "Pool", "Add", "Reformat", "Shuffle"
  };

  private static final double[] TYPE_ACTIVITY = {1.00, 0.93, 0.88, 0.85, 0.85, 0.82, 0.80};

  /**
   * Compute density (MACs per ns of the layer's GPU time at 921.6 MHz) at which a layer's activity
   * is full (Fig. 8: ResNets draw more than MobileNets, V1 ≈1 % more than V2; Fig. 11: kernel size
   * and output channels raise power, stride lowers it).
   */
  static final double DENSITY_FULL_MAC_PER_NS = 120;

  /** Share of a layer's activity that depends on its compute density. */
  static final double DENSITY_SHARE = 0.08;

  /**
   * Neighbour effect (Fig. 10): a network busy for T ns per inference reaches a fraction {@code 1 -
   * NEIGHBOUR_DEPTH · exp(-T / NEIGHBOUR_TAU_NS)} of its dynamic power, so single-layer networks
   * draw less than the same layer inside a network.
   */
  static final double NEIGHBOUR_DEPTH = 0.6;

  static final double NEIGHBOUR_TAU_NS = 3_000_000;

  /**
   * Input kind multipliers of dynamic GPU and memory power (Fig. 9: input rail +10 % varied, +5 %
   * fixed random, over black); fixed random is the calibration base.
   */
  static final double KIND_BLACK = 0.92;

  static final double KIND_FIXED_RANDOM = 1.0;
  static final double KIND_VARIED = 1.08;

  // ---------------------------------------------------------------- sensor (§III.A)
  /** Nominal read period, ns (§III.A: ≈1.6 ms). */
  static final long SENSOR_PERIOD_NS = 1_600_000;

  /** Scheduling delay of a read after its deadline, mean of an exponential, ns. */
  static final double SENSOR_DELAY_MEAN_NS = 30_000;

  /** Shortest and longest read, ns. */
  static final long SENSOR_READ_MIN_NS = 100_000;

  static final long SENSOR_READ_MAX_NS = 300_000;

  /** Power resolution, mW (§III.A: 7 mW). */
  static final double SENSOR_QUANTUM_MW = 7;

  /** Standard deviation of the reading noise, mW. */
  static final double SENSOR_NOISE_MW = 8;

  private NanoModel() {}

  /** The board settings the model depends on. */
  record Settings(int cores, int cpuKhz, long gpuHz) {
    static final Settings BASE = new Settings(MAX_CORES, MAX_CPU_KHZ, MAX_GPU_HZ);

    double cpuRel() {
      return cpuKhz / (double) MAX_CPU_KHZ;
    }

    double gpuMhz() {
      return gpuHz / 1e6;
    }

    double gpuVolt() {
      int i = GPU_HZ.indexOf(gpuHz);
      return i < 0 ? 1.0 : GPU_VOLT_REL[i];
    }
  }

  /** Per-input time relative to sync batch 1, interpolated over log2 of the batch. */
  static double perInputFactor(ExecutionMode mode, int batch) {
    double[] t = mode == ExecutionMode.ASYNC ? PER_INPUT_ASYNC : PER_INPUT_SYNC;
    if (batch <= BATCHES[0]) {
      return t[0];
    }
    double lb = Math.log(batch) / Math.log(2);
    for (int i = 1; i < BATCHES.length; i++) {
      if (batch <= BATCHES[i]) {
        double l0 = Math.log(BATCHES[i - 1]) / Math.log(2);
        double l1 = Math.log(BATCHES[i]) / Math.log(2);
        double a = (lb - l0) / (l1 - l0);
        return t[i - 1] + a * (t[i] - t[i - 1]);
      }
    }
    return t[t.length - 1];
  }

  static double kindMultiplier(InputKind kind) {
    return switch (kind) {
      case BLACK -> KIND_BLACK;
      case FIXED_RANDOM -> KIND_FIXED_RANDOM;
      case VARIED -> KIND_VARIED;
    };
  }

  private static boolean heavy(String type) {
    return type.equals("Conv") || type.equals("DepthwiseConv") || type.equals("Gemm");
  }

  private static double typeActivity(String type) {
    for (int i = 0; i < TYPES.length; i++) {
      if (TYPES[i].equals(type)) {
        return TYPE_ACTIVITY[i];
      }
    }
    return 0.85;
  }

  /** GPU-clocked time of one input through the layer at 921.6 MHz, ns. */
  private static double clockedNs(LayerSpec l) {
    double macNs = l.type().equals("DepthwiseConv") ? DW_NS_PER_MAC : DENSE_NS_PER_MAC;
    double elems = l.inputElements() + l.outputElements();
    return l.macs() * macNs
        + elems * ELEM_CLOCKED_NS
        + (heavy(l.type()) ? HEAVY_LAYER_CLOCKED_NS : 0);
  }

  /** Not GPU-clocked time of one input through the layer, ns. */
  private static double unclockedNs(LayerSpec l) {
    double elems = l.inputElements() + l.outputElements();
    return elems * ELEM_DRAM_NS + LAYER_FIXED_NS;
  }

  private static double smoothMax(double a, double b) {
    double m = Math.max(a, b);
    if (m <= 0) {
      return 0;
    }
    double x = a / m;
    double y = b / m;
    return m * Math.pow(Math.pow(x, SMOOTH_MAX_P) + Math.pow(y, SMOOTH_MAX_P), 1 / SMOOTH_MAX_P);
  }

  private static double gpuLeakMw(Settings s) {
    double v = s.gpuVolt();
    return GPU_LEAK_MW * v * v;
  }

  private static double gpuDynFullMw(Settings s) {
    double v = s.gpuVolt();
    return GPU_DYN_MW_PER_MHZ * s.gpuMhz() * v * v;
  }

  private static double cpuCoresMw(Settings s, double share) {
    return CPU_BASE_MW + (CPU_UNCORE_MW + s.cores() * CPU_CORE_MW) * share * s.cpuRel();
  }

  private static RailPowerMw rails(double cpuMw, double gpuMw, double memMw, boolean sensing) {
    double in =
        BOARD_STATIC_MW
            + (sensing ? SENSING_MW : 0)
            + (cpuMw + gpuMw + memMw) / REGULATOR_EFFICIENCY;
    return new RailPowerMw(in, cpuMw, gpuMw);
  }

  /** Power with no inference running. */
  static RailPowerMw idle(Settings s, boolean sensing) {
    return rails(cpuCoresMw(s, CPU_CORE_IDLE_SHARE), gpuLeakMw(s), MEM_STATIC_MW, sensing);
  }

  /**
   * The truth for one workload at settings {@code s}.
   *
   * @param sensing whether the power logger runs (adds {@link #SENSING_MW} to the input rail)
   */
  static GroundTruth truth(Workload w, Settings s, boolean sensing) {
    NetworkSpec net = w.network();
    int n = net.layers().size();
    int batch = w.batch();
    double perInput = perInputFactor(w.mode(), batch);
    double gpuScale = MAX_GPU_HZ / (double) s.gpuHz();
    double cpuScale = 1 / s.cpuRel();
    double[] dur = new double[n];
    double[] gpuNs = new double[n];
    double[] refNs = new double[n];
    double[] cpuNs = new double[n];
    double gpuTotal = 0;
    double cpuTotal = 0;
    for (int i = 0; i < n; i++) {
      LayerSpec l = net.layers().get(i);
      double c = clockedNs(l);
      double u = unclockedNs(l);
      gpuNs[i] = (c * gpuScale + u) * batch * perInput;
      refNs[i] = (c + u) * batch * perInput;
      cpuNs[i] = CPU_LAUNCH_NS * (heavy(l.type()) ? 1 : CPU_LAUNCH_LIGHT) * cpuScale;
      gpuTotal += gpuNs[i];
      cpuTotal += cpuNs[i];
    }
    // the GPU waits for the host only when the host's total is close to or above its own; the
    // stall is spread over the layers by their host share
    double busyNs = smoothMax(gpuTotal, cpuTotal);
    double stallNs = busyNs - gpuTotal;
    for (int i = 0; i < n; i++) {
      dur[i] = gpuNs[i] + (cpuTotal > 0 ? stallNs * cpuNs[i] / cpuTotal : 0);
    }
    double hostBusy = busyNs > 0 ? Math.min(1, cpuTotal / busyNs) : 0;
    double neighbour = 1 - NEIGHBOUR_DEPTH * Math.exp(-busyNs / NEIGHBOUR_TAU_NS);
    double kind = kindMultiplier(w.input());
    double throughputGain = Math.pow(1 / perInput, THROUGHPUT_GAMMA);
    double asyncMw = w.mode() == ExecutionMode.ASYNC ? ASYNC_EXTRA_MW : 0;
    double leak = gpuLeakMw(s);
    double dynFull = gpuDynFullMw(s);
    double cpuFixed = cpuCoresMw(s, 1);
    double cpuActive = CPU_ACTIVE_MW * s.cpuRel();
    List<GroundTruth.LayerTruth> layers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      LayerSpec l = net.layers().get(i);
      double busyG = Math.min(1, gpuNs[i] / dur[i]);
      double busyC = hostBusy;
      double density = l.macs() / (clockedNs(l) + unclockedNs(l));
      double q = Math.min(1, density / DENSITY_FULL_MAC_PER_NS);
      double act = typeActivity(l.type()) * (1 - DENSITY_SHARE + DENSITY_SHARE * q);
      double gpuAct = (busyG + GPU_WAIT_ACTIVITY * (1 - busyG)) * act;
      double gpu = leak + dynFull * gpuAct * kind * neighbour * throughputGain + asyncMw;
      double rate = refNs[i] / perInput / dur[i]; // work per time relative to the base board
      double cpu =
          cpuFixed
              + cpuActive * (busyC + CPU_WAIT_ACTIVITY * (1 - busyC))
              + CPU_RATE_MW * s.cpuRel() * rate;
      double mem = MEM_STATIC_MW + MEM_DYN_MW * rate * kind * neighbour;
      layers.add(
          new GroundTruth.LayerTruth(
              i, l.name(), l.type(), Math.round(dur[i]), rails(cpu, gpu, mem, sensing)));
    }
    double tailNs = TAIL_NS * batch * perInput + OFFLINE_CORE_NS * (MAX_CORES - s.cores());
    RailPowerMw quiet =
        rails(
            cpuFixed + cpuActive,
            leak + dynFull * GPU_IDLE_ACTIVITY + asyncMw,
            MEM_STATIC_MW,
            sensing);
    return new GroundTruth(
        layers,
        Math.round(tailNs),
        quiet,
        Math.round(GAP_NS),
        quiet,
        idle(s, sensing),
        sensing ? SENSING_MW : 0);
  }
}
