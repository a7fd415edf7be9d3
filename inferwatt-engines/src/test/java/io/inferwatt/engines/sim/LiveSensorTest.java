package io.inferwatt.engines.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.hardware.sensors.Reading;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveSensorTest {

  private static final Workload W =
      new Workload(Zoo.network("mobilenetv2"), 1, ExecutionMode.SYNC, InputKind.FIXED_RANDOM);

  /** The true mean power of one rail over one nominal cycle (layers, tail, gap), mW. */
  private static double cycleMeanMw(GroundTruth t, int r) {
    double e = 0;
    double ns = 0;
    for (GroundTruth.LayerTruth l : t.layers()) {
      e += l.durationNs() * l.power().rail(r);
      ns += l.durationNs();
    }
    e += t.tailNs() * t.tailPower().rail(r) + t.gapNs() * t.gapPower().rail(r);
    ns += t.tailNs() + t.gapNs();
    return e / ns;
  }

  @Test
  void readingsFollowTheBoardRunningItsWorkloadInSensorSteps() {
    VirtualNano board = VirtualNano.create(3);
    AtomicLong clock = new AtomicLong(5_000_000_000L);
    LiveSensor s = LiveSensor.of(board, W, 3, clock::get);
    assertThat(s.rails()).extracting(r -> r.name()).containsExactly("in", "cpu", "gpu");
    assertThat(s.settings()).containsEntry("simulated", "true");
    double[] sum = new double[3];
    int n = 0;
    for (int i = 0; i < 6000; i++) { // 9.6 s at the sensor's 1.6 ms
      clock.addAndGet(NanoModel.SENSOR_PERIOD_NS);
      Reading r = s.read();
      assertThat(r.error()).isNull();
      for (int k = 0; k < 3; k++) {
        double p = r.powerMw()[k];
        assertThat(p / NanoModel.SENSOR_QUANTUM_MW).isCloseTo(Math.rint(p / 7), within(1e-9));
        sum[k] += p;
      }
      n++;
    }
    GroundTruth t = board.groundTruth(W);
    for (int k = 0; k < 3; k++) {
      double expected = cycleMeanMw(t, k);
      assertThat(sum[k] / n).as("rail %d", k).isCloseTo(expected, within(expected * 0.03));
    }
    assertThat(sum[0]).isGreaterThan(sum[2]).isGreaterThan(sum[1] * 0.1);
  }

  @Test
  void theSameSeedAndClockGiveTheSameReadingsAndALongPauseRestartsTheBoard() {
    AtomicLong a = new AtomicLong(1_000_000_000L);
    AtomicLong b = new AtomicLong(1_000_000_000L);
    LiveSensor x = LiveSensor.of(VirtualNano.create(7), W, 7, a::get);
    LiveSensor y = LiveSensor.of(VirtualNano.create(7), W, 7, b::get);
    for (int i = 0; i < 100; i++) {
      a.addAndGet(1_600_000);
      b.addAndGet(1_600_000);
      assertThat(x.read()).isEqualTo(y.read());
    }
    a.addAndGet(3_600_000_000_000L); // an hour without a read: no hour of inferences replayed
    assertThat(x.read().powerMw()[0]).isPositive();
    x.close();
    assertThatThrownBy(x::read).hasMessageContaining("closed");
  }
}
