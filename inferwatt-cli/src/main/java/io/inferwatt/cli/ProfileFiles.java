package io.inferwatt.cli;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.io.EventsJsonl;
import io.inferwatt.core.io.SamplesCsv;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.feed.ClockAlignment;
import io.inferwatt.engines.ort.OrtRecorder;
import io.inferwatt.engines.trt.TrtexecRecorder;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.study.ProfileResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code profile} keeps besides its printed report: the notes stored with the run (how the
 * engine's clock was placed, the calibration applied) and the side files {@code --save-samples} and
 * {@code --save-events}.
 *
 * @param samples the samples CSV to write, or null
 * @param events the events JSONL to write, or null
 */
record ProfileFiles(Path samples, Path events) {

  /**
   * Writes the side files asked for; the run is stored before, so a file that cannot be written
   * loses nothing.
   *
   * @param runId the stored run, or null
   * @param base the measurement base, as the user named it
   */
  void save(ProfileResult result, Recorder recorder, NetworkSpec net, Long runId, String base) {
    String kept = runId == null ? "" : "run " + runId + " is stored in " + base + "; ";
    if (samples != null) {
      try (SamplesCsv.Writer w = SamplesCsv.writer(samples, result.timeline().rails(), true)) {
        for (PowerSample s : result.timeline().samples()) {
          w.write(s);
        }
      } catch (IOException e) {
        throw IoErrors.failure(
            "write the samples to", samples, e, kept + "choose another --save-samples");
      }
    }
    if (events != null) {
      try (EventsJsonl.Writer w = EventsJsonl.writer(events)) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("board", result.board());
        meta.put("simulated", result.simulated());
        meta.put("model", net.name());
        if (recorder instanceof TrtexecRecorder t) {
          meta.put("tensorrt", t.lastReport().version().toString());
          meta.put("clock_alignment_error_ns", t.lastReport().alignmentErrorNs());
        }
        result.settings().forEach(meta::put);
        w.meta(meta).all(result.timeline().events());
      } catch (IOException e) {
        throw IoErrors.failure(
            "write the events to", events, e, kept + "choose another --save-events");
      }
    }
  }

  /**
   * The notes stored with the run: how the engine's clock was placed ({@link #clockNotes}) and, on
   * a calibrated board, each rail's correction. Where trtexec ran, says on {@code err} how each
   * pass was placed, with trtexec's notes.
   *
   * @param engine the engine's recorder
   * @param recorder the recorder measured with (calibrated or not)
   */
  static Map<String, String> runNotes(Recorder engine, Recorder recorder, PrintWriter err) {
    if (engine instanceof TrtexecRecorder t) { // where trtexec's clock was placed
      TrtexecRecorder.Report rep = t.lastReport();
      for (TrtexecRecorder.PassAlignment a : rep.alignments()) {
        err.printf(
            "inferwatt: trtexec %s pass placed by the %s, within %.3f ms%n",
            a.phase(), a.method(), a.applied().uncertaintyNs() / 1e6);
      }
      rep.notes().forEach(n -> err.println("inferwatt: note: " + n));
    }
    Map<String, String> notes = clockNotes(engine);
    if (recorder instanceof CalibratedRecorder c) {
      for (io.inferwatt.core.analysis.Calibration.RailFit f : c.fits()) {
        notes.put(
            "calibration." + f.rail(),
            String.format(Locale.ROOT, "gain=%.6f offset_mw=%.3f", f.gain(), f.offsetMw()));
      }
    }
    return notes;
  }

  /**
   * How the engine's own clock was placed on the monotonic time base, and how well: kept with the
   * run (its environment entries) so that every stored number can be judged.
   */
  static Map<String, String> clockNotes(Recorder recorder) {
    Map<String, String> m = new LinkedHashMap<>();
    if (recorder instanceof TrtexecRecorder t) {
      TrtexecRecorder.Report rep = t.lastReport();
      m.put("engine", "trtexec");
      m.put("tensorrt.version", rep.version().toString());
      m.put("clock_alignment_error_ns", Long.toString(rep.alignmentErrorNs()));
      for (TrtexecRecorder.PassAlignment a : rep.alignments()) {
        m.put(
            "clock_alignment." + a.phase(),
            a.method()
                + " offset_ns="
                + a.applied().offsetNs()
                + " error_ns="
                + a.applied().uncertaintyNs());
      }
    } else if (recorder instanceof OrtRecorder o) {
      OrtRecorder.Report rep = o.lastReport();
      m.put("engine", "onnxruntime");
      m.put("onnxruntime.nodes_per_inference", Integer.toString(rep.nodesPerInference()));
      if (!rep.notes().isEmpty()) {
        // how the kernels became layers (fused layers, layout conversions, per-node fallback)
        m.put("onnxruntime.notes", String.join("; ", rep.notes()));
      }
      long err =
          rep.alignments().stream().mapToLong(ClockAlignment::uncertaintyNs).max().orElse(-1);
      if (err >= 0) {
        m.put("clock_alignment_error_ns", Long.toString(err));
      }
    }
    return m;
  }
}
