package io.inferwatt.engines.sim;

/**
 * True power of the virtual board's three rails, in mW.
 *
 * @param inMw the board's input ({@code POM_5V_IN}), the total
 * @param cpuMw the CPU rail ({@code POM_5V_CPU})
 * @param gpuMw the GPU rail ({@code POM_5V_GPU})
 */
public record RailPowerMw(double inMw, double cpuMw, double gpuMw) {

  /** The values in the order of {@link VirtualNano#rails()}: in, cpu, gpu. */
  public double[] toArray() {
    return new double[] {inMw, cpuMw, gpuMw};
  }

  /** The value of rail {@code i} in the order in, cpu, gpu. */
  public double rail(int i) {
    return switch (i) {
      case 0 -> inMw;
      case 1 -> cpuMw;
      case 2 -> gpuMw;
      default -> throw new IndexOutOfBoundsException("rail " + i + " is not 0, 1 or 2");
    };
  }
}
