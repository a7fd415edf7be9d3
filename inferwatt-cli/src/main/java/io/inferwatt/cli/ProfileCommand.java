package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.core.io.EventsJsonl;
import io.inferwatt.core.io.SamplesCsv;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.ClockAlignment;
import io.inferwatt.engines.ort.OrtRecorder;
import io.inferwatt.engines.trt.TrtexecRecorder;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.study.ProfileResult;
import io.inferwatt.study.ProfileRunner;
import io.inferwatt.study.boards.Boards;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inferwatt profile}: measure one configuration and store it. */
@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description = {
      "Measure latency, power and energy per inference and per layer for one configuration.",
      "Boards: sim:nano (the virtual Jetson Nano; every number it gives is simulated)."
    })
final class ProfileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Mixin FormatOption output;

  @Option(
      names = "--board",
      description =
          "sim:nano (the default without a model file) or local (this machine's power sensors; the default with a model file)")
  String board;

  @Option(
      names = "--engine",
      description =
          "onnxruntime (a model file, CPU), onnxruntime:cuda or onnxruntime:tensorrt (the -Pgpu build), trtexec (TensorRT's trtexec on a model file) or command (a runner after --, printing the events JSONL); the virtual Nano has its own engine")
  String engine;

  @Parameters(
      paramLabel = "MODEL | -- COMMAND",
      description =
          "an ONNX file (on sim:nano: its layers derived from the graph), or with --engine"
              + " command the runner's command line")
  List<String> positional = new ArrayList<>();

  @Mixin RootOption root;

  @Option(
      names = "--inputs",
      paramLabel = "DIR",
      description = "onnxruntime: images for --input varied")
  Path inputs;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "onnxruntime: intra-op threads, 0 = its default (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(
      names = "--runner-timeout",
      defaultValue = "10m",
      description = "command: the longest the runner may take (default: ${DEFAULT-VALUE})")
  String runnerTimeout;

  @Option(
      names = "--trtexec",
      paramLabel = "PATH",
      description =
          "trtexec: the program (default: /usr/src/tensorrt/bin/trtexec where it exists, else trtexec on PATH)")
  Path trtexec;

  @Option(
      names = "--engine-cache",
      paramLabel = "DIR",
      description =
          "trtexec: folder of built engines, reused across runs (default: ~/.cache/inferwatt/engines)")
  Path engineCache;

  @Option(names = "--precision", description = "trtexec: fp32, fp16, int8 or best (default: fp32)")
  String precision;

  @Option(
      names = "--model",
      defaultValue = "mobilenetv2",
      description =
          "sim:nano's network: a family of models list, optionally -wWIDTH-rRES"
              + " (default: ${DEFAULT-VALUE})")
  String model;

  @Option(
      names = "--batch",
      defaultValue = "1",
      description = "batch size (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--mode",
      defaultValue = "sync",
      converter = Choices.Modes.class,
      completionCandidates = Choices.Modes.class,
      description = "Execution: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ExecutionMode mode;

  @Option(
      names = "--input",
      defaultValue = "fixed-random",
      converter = Choices.Inputs.class,
      completionCandidates = Choices.Inputs.class,
      description =
          "What the network is fed: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  InputKind input;

  @Option(names = "--cores", description = "online CPU cores")
  Integer cores;

  @Option(names = "--cpu-freq-khz", description = "CPU frequency in kHz")
  Long cpuFreqKhz;

  @Option(names = "--gpu-freq-hz", description = "GPU frequency in Hz")
  Long gpuFreqHz;

  @Option(
      names = "--set",
      paramLabel = "KNOB=VALUE",
      description = "any board setting, e.g. --set cpu.cores=1")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(
      names = "--warmup",
      defaultValue = "50",
      description = "warm-up inferences (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--cycles",
      defaultValue = "500",
      description =
          "inferences in the latency phase and in the power phase (default: ${DEFAULT-VALUE})")
  int cycles;

  @Option(
      names = "--layer-cycles",
      defaultValue = "0",
      description =
          "inferences in the layer phase; 0 = as many as the fastest layer needs (default: ${DEFAULT-VALUE})")
  int layerCycles;

  @Option(
      names = "--max-layer-cycles",
      defaultValue = "30000",
      description = "upper bound for automatic layer cycles (default: ${DEFAULT-VALUE})")
  int maxLayerCycles;

  @Option(
      names = "--min-samples",
      defaultValue = "100",
      description = "samples wanted on the fastest layer (default: ${DEFAULT-VALUE})")
  int minSamples;

  @Option(
      names = "--idle",
      defaultValue = "2s",
      description = "idle phase length (default: ${DEFAULT-VALUE})")
  String idle;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "seed of the simulated board (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--sensor-window-ms",
      defaultValue = "1.1",
      description =
          "simulated board only: the sensor's averaging window in ms, 0 = instantaneous (default: ${DEFAULT-VALUE}, the INA3221's conversion time)")
  double sensorWindowMs;

  @Option(
      names = "--mapping",
      defaultValue = "auto",
      converter = Choices.Mappings.class,
      completionCandidates = Choices.Mappings.class,
      description = "Layer mapping: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  LayerMapping mapping;

  @Option(names = "--no-store", description = "do not store the run")
  boolean noStore;

  @Option(
      names = "--save-samples",
      paramLabel = "FILE",
      description = "also write the power samples as CSV (an existing file is replaced)")
  Path saveSamples;

  @Option(
      names = "--save-events",
      paramLabel = "FILE",
      description = "also write the events as JSONL (an existing file is replaced)")
  Path saveEvents;

  @Override
  public Integer call() throws Exception {
    Checks.nonNegative("--sensor-window-ms", sensorWindowMs, "a window in ms");
    Checks.atLeast("--batch", batch, 1);
    Checks.atLeast("--warmup", warmup, 0);
    Checks.atLeast("--cycles", cycles, 0);
    Checks.atLeast("--layer-cycles", layerCycles, 0);
    Checks.atLeast("--max-layer-cycles", maxLayerCycles, 0);
    Checks.atLeast("--threads", threads, 0);
    long idleNs = Checks.durationNs("--idle", idle);
    long runnerTimeoutNs = Checks.durationNs("--runner-timeout", runnerTimeout);
    AnalysisOptions analysis = AnalyzeCommand.options(minSamples, mapping, null);
    boolean modelFile = !"command".equals(engine) && !positional.isEmpty();
    if (modelFile) {
      Checks.inputFile("the model file", Path.of(positional.get(0)));
    }
    OutputCheck outputs =
        new OutputCheck()
            .input("the model file", modelFile ? Path.of(positional.get(0)) : null)
            .input("--inputs", inputs)
            .output("--save-samples", saveSamples)
            .output("--save-events", saveEvents);
    if (!noStore) {
      outputs.writesBase(db.path);
    }
    outputs.check();
    Boards.Opened opened =
        Boards.openProfile(
            board,
            new Boards.ProfileRequest(
                engine,
                positional,
                model,
                seed,
                sensorWindowMs,
                root.path,
                new Boards.EngineOptions(
                    inputs, threads, runnerTimeoutNs, trtexec, engineCache, precision),
                spec.commandLine().getErr()::println));
    Recorder recorder = opened.recorder();
    NetworkSpec net = opened.network();
    Workload workload = new Workload(net, batch, mode, input);
    Map<String, String> settings = new LinkedHashMap<>();
    if (cores != null) {
      settings.put("cpu.cores", cores.toString());
    }
    if (cpuFreqKhz != null) {
      settings.put("cpu.freq_khz", cpuFreqKhz.toString());
    }
    if (gpuFreqHz != null) {
      settings.put("gpu.freq_hz", gpuFreqHz.toString());
    }
    settings.putAll(set);
    Protocol protocol =
        new Protocol(warmup, cycles, cycles, layerCycles, maxLayerCycles, minSamples, idleNs);
    Store store = noStore ? null : db.openOrCreate(); // touch the output first: fail in second 0
    try {
      PrintWriter err = spec.commandLine().getErr();
      Progress progress = new Progress(err, recorder.simulated());
      ProfileResult result =
          ProfileRunner.run(recorder, workload, settings, protocol, analysis, progress);
      progress.done();
      if (opened.engine() instanceof TrtexecRecorder t) { // where trtexec's clock was placed
        TrtexecRecorder.Report rep = t.lastReport();
        for (TrtexecRecorder.PassAlignment a : rep.alignments()) {
          err.printf(
              "inferwatt: trtexec %s pass placed by the %s, within %.3f ms%n",
              a.phase(), a.method(), a.applied().uncertaintyNs() / 1e6);
        }
        rep.notes().forEach(n -> err.println("inferwatt: note: " + n));
      }
      Long runId =
          store == null
              ? null
              : store.save(result, clockNotes(opened.engine()), opened.loggerCost());
      // the run is stored first: a side file that cannot be written loses nothing
      saveFiles(result, opened.engine(), net, runId);
      print(result, runId);
    } finally {
      opened.close();
      if (store != null) {
        store.close();
      }
    }
    return 0;
  }

  private void saveFiles(ProfileResult result, Recorder recorder, NetworkSpec net, Long runId) {
    String kept = runId == null ? "" : "run " + runId + " is stored in " + db + "; ";
    if (saveSamples != null) {
      try (SamplesCsv.Writer w = SamplesCsv.writer(saveSamples, result.timeline().rails(), true)) {
        for (PowerSample s : result.timeline().samples()) {
          w.write(s);
        }
      } catch (IOException e) {
        throw IoErrors.failure(
            "write the samples to", saveSamples, e, kept + "choose another --save-samples");
      }
    }
    if (saveEvents != null) {
      try (EventsJsonl.Writer w = EventsJsonl.writer(saveEvents)) {
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
            "write the events to", saveEvents, e, kept + "choose another --save-events");
      }
    }
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
      long err =
          rep.alignments().stream().mapToLong(ClockAlignment::uncertaintyNs).max().orElse(-1);
      if (err >= 0) {
        m.put("clock_alignment_error_ns", Long.toString(err));
      }
    }
    return m;
  }

  private void print(ProfileResult r, Long runId) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      ObjectNode o = JsonReport.analysis(r.analysis());
      o.put("board", r.board());
      o.put("model", r.workload().network().name());
      ObjectNode s = o.putObject("settings");
      r.settings().forEach(s::put);
      s.put("batch", r.workload().batch());
      s.put("mode", r.workload().mode().id());
      s.put("input", r.workload().input().id());
      if (runId != null) {
        o.put("run_id", runId);
      } else {
        o.putNull("run_id");
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
      return;
    }
    TextReport text = new TextReport(out, r.simulated(), Main.verbose(spec));
    text.line(
        "inferwatt profile: board %s%s, model %s, batch %d, %s, input %s",
        r.board(),
        r.simulated() ? " (virtual Jetson Nano: all numbers are simulated)" : "",
        r.workload().network().name(),
        r.workload().batch(),
        r.workload().mode().id(),
        r.workload().input().id());
    StringBuilder sb = new StringBuilder();
    r.settings()
        .forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "  ").append(k).append('=').append(v));
    text.line("settings: %s", sb.length() == 0 ? "(none: this board exposes no knobs yet)" : sb);
    text.analysis(r.analysis());
    if (runId != null) {
      text.line("stored as run %d in %s", runId, db);
    }
  }

  /** Progress on stderr, one line rewritten in place. */
  static final class Progress implements Recorder.ProgressListener {
    private final PrintWriter err;
    private final String prefix;
    private final boolean terminal = System.console() != null;
    private String last = "";
    private long lastPrintNs;

    Progress(PrintWriter err, boolean simulated) {
      this.err = err;
      this.prefix = simulated ? "[simulated] " : "";
    }

    @Override
    public void progress(String phase, long done, long total) {
      if (!terminal) {
        // a log file gets one line per finished phase, not a stream of carriage returns
        if (done == total) {
          err.println(prefix + "phase " + phase + " done (" + amount(phase, total) + ")");
          err.flush();
        }
        return;
      }
      long now = System.nanoTime();
      if (done < total && now - lastPrintNs < 200_000_000L && phase.equals(last)) {
        return;
      }
      lastPrintNs = now;
      last = phase;
      err.print(
          "\r"
              + prefix
              + "phase "
              + phase
              + ": "
              + amount(phase, done)
              + "/"
              + amount(phase, total)
              + "        ");
      err.flush();
    }

    /** Cycles, or for the idle phase (which counts nanoseconds) a duration people read. */
    static String amount(String phase, long n) {
      if (!phase.equals(Phases.IDLE)) {
        return n + " cycles";
      }
      return n >= 1_000_000_000L
          ? String.format(Locale.ROOT, "%.1f s", n / 1e9)
          : String.format(Locale.ROOT, "%.0f ms", n / 1e6);
    }

    void done() {
      if (terminal && !last.isEmpty()) {
        err.print("\r" + " ".repeat(60) + "\r");
        err.flush();
      }
    }
  }
}
