package io.inferwatt.engines.feed;

import io.inferwatt.core.PowerSample;
import java.util.List;

/**
 * A power source as the ONNX Runtime recorder needs it: the smallest contract a power logger can be
 * adapted to. Samples are on the monotonic time base, one value per rail in mW.
 */
public interface SampleFeed {

  /** Rail names, lower case, in the order of each sample's values. */
  List<String> rails();

  /** The rails as a recorder reports them. */
  default List<io.inferwatt.hardware.Rail> railList() {
    return rails().stream()
        .map(r -> new io.inferwatt.hardware.Rail(r, r, "power feed", false))
        .toList();
  }

  /** The nominal time between samples in ns (used to size the layer phase). */
  long periodNs();

  /** Starts logging. */
  void start();

  /** Stops logging and returns every sample since {@link #start()}, in time order. */
  List<PowerSample> stop();
}
