package io.inferwatt.cli;

import io.inferwatt.core.model.Protocol;
import picocli.CommandLine.Option;

/**
 * The measurement protocol as a picocli mixin: warm-up, cycles of the latency and power phases,
 * layer cycles (fixed or automatic with a bound), samples wanted per layer and the idle phase.
 */
final class ProtocolOptions {

  @Option(
      names = "--warmup",
      defaultValue = "50",
      description = "warm-up inferences (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--cycles",
      defaultValue = "500",
      description =
          "inferences in the latency phase and in the power phase (default: ${DEFAULT-VALUE})")
  int cycles;

  @Option(
      names = "--layer-cycles",
      defaultValue = "0",
      description =
          "inferences in the layer phase; 0 = as many as the fastest layer needs (default: ${DEFAULT-VALUE})")
  int layerCycles;

  @Option(
      names = "--max-layer-cycles",
      defaultValue = "30000",
      description = "upper bound for automatic layer cycles (default: ${DEFAULT-VALUE})")
  int maxLayerCycles;

  @Option(
      names = "--min-samples",
      defaultValue = "100",
      description = "samples wanted on the fastest layer (default: ${DEFAULT-VALUE})")
  int minSamples;

  @Option(
      names = "--idle",
      defaultValue = "2s",
      description = "idle phase length (default: ${DEFAULT-VALUE})")
  String idle;

  /** Refuses a negative count (exit 2, naming the option). */
  void checkCounts() {
    Checks.atLeast("--warmup", warmup, 0);
    Checks.atLeast("--cycles", cycles, 0);
    Checks.atLeast("--layer-cycles", layerCycles, 0);
    Checks.atLeast("--max-layer-cycles", maxLayerCycles, 0);
  }

  /** {@code --idle} in ns (exit 2 when it is not a duration). */
  long idleNs() {
    return Checks.durationNs("--idle", idle);
  }

  /** The protocol: the latency and the power phase get {@code --cycles} each. */
  Protocol protocol(long idleNs) {
    return new Protocol(warmup, cycles, cycles, layerCycles, maxLayerCycles, minSamples, idleNs);
  }
}
