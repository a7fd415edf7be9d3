package io.inferwatt.engines.ort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.io.FormatException;
import io.inferwatt.engines.feed.ClockAlignment;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The profile parser over a file ONNX Runtime 1.23.2 wrote (MobileNetV2, two runs, trimmed to three
 * nodes each).
 */
class OrtProfileTest {

  @Test
  void parsesRunsAndAssignsKernelEventsToThem() {
    OrtProfile p;
    try (InputStream in =
        getClass().getResourceAsStream("/ort/profile-1.23.2-mobilenetv2-2runs.json")) {
      p = OrtProfile.parse(in, "fixture");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThat(p.runs()).hasSize(2);
    OrtProfile.Run first = p.runs().get(0);
    assertThat(first.tsUs()).isEqualTo(421612);
    assertThat(first.durUs()).isEqualTo(76445);
    assertThat(first.nodes())
        .extracting(OrtProfile.NodeTime::name)
        .containsExactly("t2_nchwc", "t5_nchwc", "t7_nchwc");
    assertThat(first.nodes().get(0).opType()).isEqualTo("Conv");
    assertThat(first.nodes().get(0).provider()).isEqualTo("CPUExecutionProvider");
    assertThat(first.nodes().get(0).durUs()).isEqualTo(9431);
    assertThat(first.nodeSumUs()).isEqualTo(9431 + 1032 + 232);
    assertThat(p.runs().get(1).nodes()).hasSize(3);
  }

  @Test
  void concurrentRunsGetTheirOwnThreadsNodes() {
    String json =
        "[{\"cat\":\"Session\",\"tid\":1,\"ts\":0,\"dur\":100,\"name\":\"model_run\"},"
            + "{\"cat\":\"Session\",\"tid\":2,\"ts\":10,\"dur\":100,\"name\":\"model_run\"},"
            + "{\"cat\":\"Node\",\"tid\":2,\"ts\":20,\"dur\":5,\"name\":\"a_kernel_time\",\"args\":{\"op_name\":\"Relu\"}},"
            + "{\"cat\":\"Node\",\"tid\":1,\"ts\":21,\"dur\":5,\"name\":\"b_kernel_time\",\"args\":{\"op_name\":\"Conv\"}},"
            + "{\"cat\":\"Node\",\"tid\":1,\"ts\":21,\"dur\":5,\"name\":\"b_fence_before\"}]";
    OrtProfile p =
        OrtProfile.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "x");
    assertThat(p.runs().get(0).nodes()).extracting(OrtProfile.NodeTime::name).containsExactly("b");
    assertThat(p.runs().get(1).nodes()).extracting(OrtProfile.NodeTime::name).containsExactly("a");
  }

  @Test
  void notAnArrayIsAFormatError() {
    assertThatThrownBy(() -> OrtProfile.parse(new ByteArrayInputStream("{}".getBytes()), "p.json"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("p.json");
  }

  @Test
  void alignmentRecoversTheOffsetFromBrackets() {
    long offset = 5_000_000_123L;
    long[] ts = {100, 2_000, 5_000};
    long[] dur = {900, 950, 1_000};
    long[] start = new long[3];
    long[] end = new long[3];
    for (int i = 0; i < 3; i++) {
      start[i] = offset + ts[i] * 1000 - 20_000; // JNI entry before the profiler's start
      end[i] = offset + (ts[i] + dur[i]) * 1000 + 30_000; // output copy after its end
    }
    ClockAlignment a = ClockAlignment.fromBrackets(start, end, ts, dur);
    assertThat(a.consistent()).isTrue();
    assertThat(Math.abs(a.offsetNs() - offset)).isLessThanOrEqualTo(a.uncertaintyNs());
    assertThat(a.uncertaintyNs()).isLessThanOrEqualTo(26_000);
    assertThat(a.toMonotonicNs(100)).isEqualTo(a.offsetNs() + 100_000);
  }

  @Test
  void contradictoryBracketsAreFlagged() {
    ClockAlignment a =
        ClockAlignment.fromBrackets(
            new long[] {0, 10_000_000}, new long[] {100_000, 10_100_000},
            new long[] {0, 20_000}, new long[] {50, 50});
    assertThat(a.consistent()).isFalse();
    assertThat(a.uncertaintyNs()).isPositive();
  }
}
