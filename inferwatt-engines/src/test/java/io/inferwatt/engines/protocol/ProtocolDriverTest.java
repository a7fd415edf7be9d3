package io.inferwatt.engines.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.FeedPhases;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.protocol.ProtocolDriver.Recording;
import io.inferwatt.engines.protocol.ProtocolDriver.Span;
import io.inferwatt.hardware.Recorder.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The driver's order, logger and clean-up, on a backend in virtual time that writes a journal. */
class ProtocolDriverTest {
  static final Workload W =
      new Workload(
          new NetworkSpec("n", List.of(1), List.of()), 1, ExecutionMode.SYNC, InputKind.BLACK);
  static final Protocol P = new Protocol(2, 3, 4, 5, 100, 1, 1_000L);

  final List<String> journal = new ArrayList<>();
  long now = 1_000;

  /** A backend whose inferences take 10 ns of its own clock; fails where told. */
  class Journal implements ProtocolDriver.Backend {
    final String failAt;

    Journal(String failAt) {
      this.failAt = failAt;
    }

    @Override
    public long nowNs() {
      return now;
    }

    @Override
    public void open(Recording r) {
      journal.add("open");
    }

    private Optional<Span> run(String phase, int n, Recording r) {
      journal.add(phase + " " + n);
      if (phase.equals(failAt)) {
        throw new IllegalStateException("failed in " + phase);
      }
      long start = now;
      long seq = r.takeSeq(n);
      for (int i = 0; i < n; i++) {
        r.log().inference(new InferenceEvent(seq + i, now, now + 10, 1));
        now += 10;
      }
      return Optional.of(new Span(start, now));
    }

    @Override
    public Optional<Span> timed(String phase, int n, Recording r) {
      return run(phase, n, r);
    }

    @Override
    public int layerCycles(Recording r) {
      journal.add("size");
      return 5;
    }

    @Override
    public Optional<Span> profiled(int n, Recording r) {
      return run("layers", n, r);
    }

    @Override
    public Optional<Span> idle(long ns) {
      journal.add("idle " + ns);
      long start = now;
      now += ns;
      return Optional.of(new Span(start, now));
    }

    @Override
    public void logged(List<PowerSample> samples, Recording r) {
      journal.add("logged " + samples.size());
    }

    @Override
    public void close() {
      journal.add("close");
    }
  }

  /** A logger that takes one sample per 100 ns of the backend's clock. */
  class Feed implements SampleFeed {
    long start;

    @Override
    public List<String> rails() {
      return List.of("in");
    }

    @Override
    public long periodNs() {
      return 100;
    }

    @Override
    public void start() {
      journal.add("feed on");
      start = now;
    }

    @Override
    public List<PowerSample> stop() {
      journal.add("feed off");
      List<PowerSample> out = new ArrayList<>();
      for (long t = start; t < now; t += 100) {
        out.add(PowerSample.at(t, 1));
      }
      return out;
    }
  }

  @Test
  void thePhasesRunInProtocolOrderWithTheLoggerOnFromPowerToIdle() {
    Timeline t = ProtocolDriver.record(new Journal(""), new Feed(), W, P, ProgressListener.NONE);
    assertThat(journal)
        .containsExactly(
            "open",
            "warmup 2",
            "latency 3",
            "size",
            "feed on",
            "power 4",
            "layers 5",
            "idle 1000",
            "feed off",
            "logged 11", // (40 + 50 + 1000 ns) / 100 ns
            "close");
    assertThat(t.events().phases())
        .extracting(PhaseEvent::name)
        .containsExactly("warmup", "latency", "power", "layers", "idle");
    assertThat(t.events().inferences()).hasSize(2 + 3 + 4 + 5);
    assertThat(t.rails()).containsExactly("in");
  }

  @Test
  void withoutALoggerPowerAndIdleAreSkippedAndANoteSaysSo() {
    List<String> notes = new ArrayList<>();
    Journal b =
        new Journal("") {
          @Override
          public void logged(List<PowerSample> samples, Recording r) {
            notes.addAll(r.notes());
          }
        };
    Timeline t = ProtocolDriver.record(b, null, W, P, ProgressListener.NONE);
    assertThat(journal)
        .containsExactly("open", "warmup 2", "latency 3", "size", "layers 5", "close");
    assertThat(t.events().phases())
        .extracting(PhaseEvent::name)
        .containsExactly("warmup", "latency", "layers");
    assertThat(notes).containsExactly(FeedPhases.NO_FEED_NOTE);
  }

  @Test
  void aFailureStopsTheLoggerHandsOverWhatWasLoggedAndClosesTheBackend() {
    Journal b =
        new Journal("layers") {
          @Override
          public RuntimeException failed(RuntimeException e, Timeline partial, Recording r) {
            return new IllegalArgumentException(
                "wrapped, " + partial.events().inferences().size() + " inferences kept", e);
          }
        };
    assertThatThrownBy(() -> ProtocolDriver.record(b, new Feed(), W, P, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("wrapped, 9 inferences kept");
    assertThat(journal)
        .containsSubsequence("layers 5", "feed off", "logged 1", "close")
        .doesNotContain("idle 1000");
  }
}
