package io.inferwatt.api;

/**
 * Idle power per rail, subtracted from every window opened after it was set.
 *
 * @param mw mean idle power per rail, in the meter's rail order, mW
 * @param sigmaMw one standard deviation of each, mW
 */
record Baseline(double[] mw, double[] sigmaMw) {}
