package io.inferwatt.study.boards;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.Workload;
import io.inferwatt.study.Models;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The intra-op threads a study's ONNX Runtime session gets. */
class OnnxStudyRecorderTest {
  private static Workload of(Map<String, String> settings) {
    return Models.workload(settings);
  }

  @Test
  void thePlansThreadsWinElseTheBoardChooses() {
    Workload one = of(Map.of("model", "conv-k3-s1-c8x8-16x16", "threads", "1"));
    assertThat(one.threads()).isEqualTo(1);
    assertThat(OnnxStudyRecorder.intraOpThreads(one, true)).isEqualTo(1);
    assertThat(OnnxStudyRecorder.intraOpThreads(one, false)).isEqualTo(1);
    Workload three = of(Map.of("model", "conv-k3-s1-c8x8-16x16", "threads", "3"));
    assertThat(OnnxStudyRecorder.intraOpThreads(three, true)).isEqualTo(3);
    // not named: ONNX Runtime's own count without a logger, a core left to the logger with one
    Workload unnamed = of(Map.of("model", "conv-k3-s1-c8x8-16x16"));
    assertThat(unnamed.threads()).isZero();
    assertThat(OnnxStudyRecorder.intraOpThreads(unnamed, false)).isZero();
    assertThat(OnnxStudyRecorder.intraOpThreads(unnamed, true))
        .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
  }
}
