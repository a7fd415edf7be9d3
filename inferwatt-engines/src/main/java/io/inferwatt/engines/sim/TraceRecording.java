package io.inferwatt.engines.sim;

import io.inferwatt.core.EventLog;
import io.inferwatt.engines.protocol.ProtocolDriver;
import io.inferwatt.hardware.Recorder.ProgressListener;
import java.util.function.IntConsumer;

/**
 * What the virtual boards' recordings share: a backend in virtual time whose clock is the end of
 * the board's power trace, the events log the driver opens, and the phase loop that runs one
 * inference per cycle and reports progress about a hundred times.
 */
abstract class TraceRecording implements ProtocolDriver.Backend {

  EventLog.Builder events;
  long seq;

  /** The board's power trace, whose end is the board's clock. */
  abstract PowerTrace trace();

  @Override
  public long nowNs() {
    return trace().endNs();
  }

  @Override
  public void open(ProtocolDriver.Recording r) {
    events = r.log();
  }

  /**
   * Runs {@code cycles} inferences ({@code inference} gets the cycle's index) as the phase {@code
   * name}, reporting progress; returns the phase's span on the trace.
   */
  ProtocolDriver.Span cycles(
      String name, int cycles, ProgressListener progress, IntConsumer inference) {
    long start = trace().endNs();
    int step = Math.max(1, cycles / 100);
    for (int c = 0; c < cycles; c++) {
      inference.accept(c);
      if ((c + 1) % step == 0 || c + 1 == cycles) {
        progress.progress(name, c + 1, cycles);
      }
    }
    if (cycles == 0) {
      progress.progress(name, 0, 0);
    }
    return new ProtocolDriver.Span(start, trace().endNs());
  }
}
