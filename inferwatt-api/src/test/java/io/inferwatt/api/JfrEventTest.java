package io.inferwatt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrEventTest {

  @TempDir Path root;

  @Test
  void eachWindowIsCommittedAsOneEventPerRailAndReadsBackFromTheFile() throws Exception {
    FakeNano.write(root, 2300, 400, 700);
    Path file = root.resolve("energy.jfr");
    Measurement m;
    try (Recording rec = new Recording()) {
      rec.enable(RailEnergyEvent.NAME);
      rec.start();
      try (PowerMeter meter = PowerMeter.open(MeterOptions.defaults().withRoot(root))) {
        Thread.sleep(30);
        m = meter.run("infer", () -> sleep(100));
      }
      rec.stop();
      rec.dump(file);
    }
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals(RailEnergyEvent.NAME))
            .collect(Collectors.toList());
    assertThat(events).hasSize(3);
    assertThat(events.stream().map(e -> e.getString("rail"))).containsExactly("in", "gpu", "cpu");
    RecordedEvent in = events.get(0);
    assertThat(in.getString("window")).isEqualTo("infer");
    assertThat(in.getDouble("energyMj")).isCloseTo(m.energyMj("in"), within(1e-9));
    assertThat(in.getDouble("meanPowerMw")).isCloseTo(2300, within(1.0));
    assertThat(in.getLong("samples")).isEqualTo(m.rail("in").samples());
    assertThat(in.getBoolean("simulated")).isFalse();
    // the event spans the window
    assertThat(in.getDuration().toNanos()).isCloseTo(m.durationNs(), within(2_000_000L));
  }

  @Test
  void withoutARecordingNothingIsCreated() throws Exception {
    FakeNano.write(root, 2300, 400, 700);
    try (PowerMeter meter = PowerMeter.open(MeterOptions.defaults().withRoot(root))) {
      Window w = meter.window("quiet");
      w.close();
      assertThat(w.events).isNull();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
