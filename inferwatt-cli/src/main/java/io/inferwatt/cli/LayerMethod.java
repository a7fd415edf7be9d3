package io.inferwatt.cli;

import io.inferwatt.core.analysis.LayerMapping;

/**
 * What {@code profile --mapping} asks for: one of the recording's mappings, or differential prefix
 * profiling (boards with an energy counter), whose recording is then mapped the paper's way for the
 * comparison next to it. {@code auto} adds prefix profiling on a board with an energy counter.
 */
enum LayerMethod {
  AUTO(LayerMapping.AUTO),
  WINDOW(LayerMapping.WINDOW),
  PAPER(LayerMapping.PAPER),
  PREFIX(LayerMapping.PAPER);

  /** The mapping of the recording itself. */
  final LayerMapping mapping;

  LayerMethod(LayerMapping mapping) {
    this.mapping = mapping;
  }
}
