package io.inferwatt.hardware;

import io.inferwatt.core.analysis.CounterEnergy;
import io.inferwatt.core.model.Workload;
import java.util.Optional;

/**
 * A board with an energy counter that is read while it runs inferences (NVML's total energy on an
 * NVIDIA GPU, which changes every ≈100 ms): what per-inference energy over long windows and
 * differential prefix profiling need.
 */
public interface EnergyCounter {

  /** The counter's nominal update period, ns. */
  long counterUpdatePeriodNs();

  /** The counter's reads and the inferences of the last recording's power phase; empty if none. */
  Optional<CounterEnergy.Window> lastPowerPhase();

  /**
   * Runs {@code workload}'s inferences back to back for at least {@code durationNs}, reading the
   * counter as often as the sensor allows, at the current settings; no other phase.
   */
  CounterEnergy.Window window(Workload workload, long durationNs);
}
