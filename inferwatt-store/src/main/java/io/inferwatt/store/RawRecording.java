package io.inferwatt.store;

import io.inferwatt.core.EventSink;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A stored run's raw recording as streams read from the base while {@link MeasurementStore#replay}
 * runs its reader: nothing but the phases is held in memory.
 */
public interface RawRecording {

  /** The samples' rail names, lower case, in the order of each sample's values. */
  List<String> rails();

  /** Every phase of the recording. */
  List<PhaseEvent> phases();

  /** The samples in strictly increasing {@code tNs}; readable once. */
  Iterator<PowerSample> samples();

  /**
   * The events in time order (each inference followed by its layers, inferences by start), pushed
   * one at a time into {@code sink} by each call of the returned supplier, which gives false at the
   * end. Call once.
   */
  BooleanSupplier events(EventSink sink);

  /** Reads a run's raw recording. */
  @FunctionalInterface
  interface Reader<T> {
    T read(RawRecording recording);
  }
}
