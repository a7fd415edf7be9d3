package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gap (an empty reading) in one rail never makes a stored inference's energy NaN. */
class RunDetailsGapTest {
  private static final long MS = 1_000_000L;

  @Test
  void aGapInOneRailIsBridgedAndTheOtherRailIsUntouched() {
    EventLog.Builder events = EventLog.builder();
    events.inference(new InferenceEvent(0, 2 * MS, 12 * MS, 1));
    events.phase(new PhaseEvent(Phases.POWER, 0, 14 * MS));
    List<PowerSample> samples = new ArrayList<>();
    for (long t = 0; t <= 14 * MS; t += MS) {
      // rail "a" at a constant 1000 mW with one empty reading inside the inference; "b" at 500 mW
      double a = t == 6 * MS ? Double.NaN : 1000;
      samples.add(new PowerSample(t, t, t, new double[] {a, 500}));
    }
    Timeline timeline = new Timeline(List.of("a", "b"), samples, events.build());

    RunDetails d = RunDetails.of(timeline, null, "test");

    RunDetails.InferenceRecord rec = d.inferences().get(0);
    // 1000 mW for 10 ms = 10 mJ; 500 mW for 10 ms = 5 mJ (constant power: no formula to mirror)
    assertThat(rec.energyMj()[0]).isCloseTo(10.0, within(1e-9));
    assertThat(rec.energyMj()[1]).isCloseTo(5.0, within(1e-9));
    assertThat(rec.powerMw()[0]).isCloseTo(1000.0, within(1e-9));
  }
}
