package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.model.NetworkSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's per-inference power and energy come back under the right rail when the recording lists
 * its rails in another order than the run's results do.
 */
class InferenceRailOrderTest {

  @TempDir Path dir;

  @Test
  void perInferenceValuesFollowTheRailNameNotItsPositionInTheRecording() {
    Timeline t = Fixtures.timeline(); // rails in, gpu, cpu
    List<String> resultOrder = List.of("cpu", "in", "gpu");
    AnalysisResult result = Fixtures.result(resultOrder, 4.5, 1000);
    RunDetails details = RunDetails.of(t, new NetworkSpec("fixture", List.of(1), List.of()), "t");
    try (MeasurementStore s = MeasurementStore.open(dir.resolve("r.duckdb"))) {
      long id =
          s.saveRun(
              Fixtures.run("sim:nano", "fixture", Instant.EPOCH, result).withDetails(details));
      List<RunDetails.InferenceRecord> back = s.inferenceRecords(id);
      assertThat(back).hasSameSizeAs(details.inferences());
      for (int r = 0; r < back.size(); r++) {
        RunDetails.InferenceRecord written = details.inferences().get(r);
        RunDetails.InferenceRecord read = back.get(r);
        for (int i = 0; i < resultOrder.size(); i++) {
          int w = t.rails().indexOf(resultOrder.get(i));
          assertThat(read.powerMw()[i]).as(resultOrder.get(i)).isEqualTo(written.powerMw()[w]);
          assertThat(read.energyMj()[i]).as(resultOrder.get(i)).isEqualTo(written.energyMj()[w]);
        }
      }
    }
  }
}
