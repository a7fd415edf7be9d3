package io.inferwatt.api;

/**
 * What one rail measured over a window. Energy and mean power are over the part of the window the
 * sensor covered (see {@link #coverage()}), net of the idle baseline when one is set.
 *
 * <p>Uncertainty (one standard deviation) combines three independent terms: the sample variance
 * ({@code s/sqrt(n)} of the samples in the window, times the covered time), the reading's
 * resolution (sysfs reports whole mW: {@code 1 mW/sqrt(12 n)}, times the covered time), and the
 * placement of the two window edges within one sensor update period {@code u} (each edge uniform
 * within {@code u}: {@code mean power * u / sqrt(12)} per edge); plus, with a baseline, the
 * baseline's own uncertainty times the covered time. Mean power's uncertainty is the energy's
 * divided by the covered time.
 *
 * @param energyMj energy in mJ
 * @param energyUncertaintyMj one standard deviation of {@code energyMj}, mJ
 * @param meanPowerMw mean power in mW (NaN when the sensor covered none of the window)
 * @param meanPowerUncertaintyMw one standard deviation of {@code meanPowerMw}, mW
 * @param samples sensor readings inside the window
 * @param coverage the fraction of the window the sensor covered, 0 to 1
 * @param baselineMw the idle power subtracted, mW (0 when none)
 */
public record RailEstimate(
    double energyMj,
    double energyUncertaintyMj,
    double meanPowerMw,
    double meanPowerUncertaintyMw,
    long samples,
    double coverage,
    double baselineMw) {}
