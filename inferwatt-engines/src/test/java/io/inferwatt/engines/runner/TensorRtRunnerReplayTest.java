package io.inferwatt.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.hardware.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code runners/tensorrt_runner.py}'s event output, read by the runner protocol's reader ({@link
 * CommandRecorder}) where TensorRT is absent: the runner replays an IProfiler trace ({@code
 * --replay}; the trace in the test resources is hand-written in the shape IProfiler reports, as no
 * TensorRT was at hand to record one) and every layer of every layer-phase cycle must arrive with
 * the trace's name and time.
 */
class TensorRtRunnerReplayTest {

  @Test
  void everyLayerOfEveryCycleArrivesAsTheProfilerReportedIt() throws Exception {
    Path runner = Path.of("..", "runners", "tensorrt_runner.py");
    assumeThat(Files.exists(runner)).as("run from the module folder").isTrue();
    assumeThat(
            Files.isExecutable(Path.of("/usr/bin/python3"))
                || Files.isExecutable(Path.of("/usr/local/bin/python3")))
        .as("python3 is needed for the runner tests")
        .isTrue();
    Path trace = Path.of(getClass().getResource("/runner/tensorrt_iprofiler_trace.json").toURI());
    // the trace's reports in order: {"name": ..., "ms": ...}, eight per cycle
    List<String[]> reports = new ArrayList<>();
    Matcher m =
        Pattern.compile("\\{\\s*\"name\":\\s*\"([^\"]*)\",\\s*\"ms\":\\s*([0-9.eE+-]+)\\s*}")
            .matcher(Files.readString(trace));
    while (m.find()) {
      reports.add(new String[] {m.group(1), m.group(2)});
    }
    int perCycle = 8;
    int cycleCount = reports.size() / perCycle;
    assertThat(reports).hasSize(3 * perCycle);
    Workload w =
        new Workload(
            new NetworkSpec("resnet18", List.of(3, 224, 224), List.of()),
            1,
            ExecutionMode.SYNC,
            InputKind.FIXED_RANDOM);
    Protocol p = new Protocol(2, 3, 3, 5, 10, 1, 10_000_000L);
    CommandRecorder r =
        CommandRecorder.create(
            List.of(
                "python3",
                runner.toString(),
                "--replay",
                trace.toString(),
                "--warmup",
                "{warmup}",
                "--latency",
                "{latency}",
                "--power",
                "{power}",
                "--layers",
                "{layers}"),
            Duration.ofSeconds(60),
            ProcessLauncher.system(),
            Optional.of(new CommandRecorderTest.ConstantFeed()),
            null);
    Timeline t = r.record(w, p, Recorder.ProgressListener.NONE);

    assertThat(t.events().phases())
        .extracting(PhaseEvent::name)
        .containsSubsequence("warmup", "latency", "power", "layers");
    assertThat(t.events().layerCount()).isEqualTo(5 * perCycle);
    long firstLayerSeq = t.events().layer(0).seq();
    for (int i = 0; i < t.events().layerCount(); i++) {
      LayerEvent e = t.events().layer(i);
      int cycle = (int) (e.seq() - firstLayerSeq);
      String[] reported = reports.get((cycle % cycleCount) * perCycle + e.index());
      assertThat(e.index()).isEqualTo(i % perCycle);
      assertThat(e.name()).isEqualTo(reported[0]);
      assertThat(e.durationNs()).isEqualTo(Math.round(Double.parseDouble(reported[1]) * 1e6));
      assertThat(e.startNs()).isEmpty();
    }
    assertThat(t.events().layer(0).type()).isEqualTo("Reformat");
    assertThat(t.events().layer(1).type()).isEqualTo("Conv");
    // the layer phase's inferences carry the layers, one inference per cycle
    assertThat(t.events().inferences().stream().filter(x -> x.seq() >= firstLayerSeq).count())
        .isEqualTo(5);
  }
}
