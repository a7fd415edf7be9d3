package io.inferwatt.core;

/**
 * The phase names of the measurement protocol (docs/architecture.md, "The measurement protocol").
 */
public final class Phases {
  /** Discarded warm-up inferences. */
  public static final String WARMUP = "warmup";

  /** Power logger off: latencies only. */
  public static final String LATENCY = "latency";

  /** Power logger on: per-inference power and energy. */
  public static final String POWER = "power";

  /** Layer profiler and power logger on: per-layer mapping. */
  public static final String LAYERS = "layers";

  /** Power logger on, no inference: idle power. */
  public static final String IDLE = "idle";

  private Phases() {}
}
