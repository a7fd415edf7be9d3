package io.inferwatt.core.analysis;

/**
 * How power samples are attributed to layers.
 *
 * <ul>
 *   <li>{@link #PAPER}: the paper's mapping (§III.B): a sample counts for the layer running at its
 *       timestamp. Right for an instantaneous sensor only.
 *   <li>{@link #WINDOW}: each sample is the mean power over the sensor's averaging window; the
 *       per-layer powers are fitted by least squares over all samples at once, with the window
 *       estimated from the data. Falls back to {@link #PAPER}, with a warning, when the layers
 *       cannot be resolved.
 *   <li>{@link #AUTO} (the default): {@link #WINDOW}, except that the paper's mapping is used when
 *       the estimated window is negligible against the shortest layer.
 * </ul>
 */
public enum LayerMapping {
  AUTO,
  WINDOW,
  PAPER
}
