package io.inferwatt.engines.ort;

import io.inferwatt.engines.feed.ClockAlignment;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.hardware.Recorder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * ONNX Runtime (CPU) as a {@link Recorder}: runs the measurement protocol on one ONNX model and
 * records every inference on the monotonic time base ({@code System.nanoTime()} around {@code
 * session.run}) and every executed node from ONNX Runtime's own profiler, aligned once per profile
 * by {@link ClockAlignment#fromBrackets}.
 *
 * <p>The model is fixed when the recorder is opened; a workload supplies batch size, execution mode
 * and input kind (its {@code network} only names the run). Without a {@link SampleFeed} the
 * recording holds latency and per-layer latency only, and {@link #lastReport()} says that no power
 * sensor was found.
 */
public interface OrtRecorder extends Recorder, AutoCloseable {

  /**
   * Opens {@code model} (reads and checks it; sessions are created per recording).
   *
   * @param feed the power source, or empty when the machine has none
   * @throws IllegalArgumentException when the model is not an ONNX file with one float input
   */
  static OrtRecorder open(Path model, OrtOptions options, Optional<SampleFeed> feed) {
    return new OrtEngine(model, options, feed.orElse(null));
  }

  /**
   * The layers the recording's layer events are indexed by, named {@code name}: the model's layers
   * as {@link io.inferwatt.engines.onnx.LayerGraph} derives them, or one layer per ONNX node when
   * no layer list can be derived from this model.
   */
  io.inferwatt.core.model.NetworkSpec network(String name);

  /** What the last {@link #record} noted besides its timeline. */
  Report lastReport();

  @Override
  void close();

  /**
   * Notes of one recording.
   *
   * @param notes things a person should know (no power sensor, layer cycles capped, ...)
   * @param alignments the clock alignment of each profile of the layer phase
   * @param layerCycles inferences run in the layer phase
   * @param nodesPerInference kernels ONNX Runtime ran per inference (after its graph optimisation)
   */
  record Report(
      List<String> notes, List<ClockAlignment> alignments, int layerCycles, int nodesPerInference) {
    public Report {
      notes = List.copyOf(notes);
      alignments = List.copyOf(alignments);
    }
  }
}
