package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.core.analysis.SensorResponse;
import io.inferwatt.core.io.EventsJsonl;
import io.inferwatt.core.io.SamplesCsv;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.ClockAlignment;
import io.inferwatt.engines.ort.OrtRecorder;
import io.inferwatt.engines.sim.SensorConfig;
import io.inferwatt.engines.sim.Truth;
import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.engines.trt.TrtexecRecorder;
import io.inferwatt.hardware.EnergyCounter;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.study.LayerMethods;
import io.inferwatt.study.PrefixProfiler;
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
import java.util.Optional;
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
      "Boards: sim:nano (the virtual Jetson Nano) and sim:gpu (a virtual H100/H200-like GPU"
          + " read through a simulated NVML); every number they give is simulated, and they show"
          + " their truth next to it."
    })
final class ProfileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Mixin FormatOption output;

  @Mixin BoardOption board;

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

  @Mixin SettingsOptions settings;

  @Mixin ProtocolOptions protocol;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "seed of the simulated board (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--sensor-window-ms",
      description =
          "simulated board only: the sensor's averaging window in ms, 0 = instantaneous (default: 1.1, the INA3221's conversion time); the same as --sensor-response boxcar:<ms>ms")
  Double sensorWindowMs;

  @Option(
      names = "--sensor-response",
      paramLabel = "RESPONSE",
      description =
          "simulated board only: the sensor's response: instant, boxcar:1.1ms, lowpass:0.5ms (a first-order low-pass with that time constant) or boxcar:1.1ms+lowpass:0.5ms (default: boxcar:1.1ms)")
  String sensorResponse;

  @Option(
      names = "--sensor-gain",
      defaultValue = "1",
      description =
          "simulated board only: the sensor's gain error; every reading is gain x true + offset (default: ${DEFAULT-VALUE})")
  double sensorGain;

  @Option(
      names = "--sensor-offset-mw",
      defaultValue = "0",
      description =
          "simulated board only: the sensor's offset error in mW (default: ${DEFAULT-VALUE})")
  double sensorOffsetMw;

  @Option(
      names = "--meter-out",
      paramLabel = "FILE",
      description =
          "simulated board only: also write what an external bench meter on the board's input read (CSV t_s,voltage_v,current_a,power_w on the meter's own clock, a reading every ms; an existing file is replaced); check the sensor against it with 'inferwatt calibrate'")
  Path meterOut;

  @Option(
      names = "--mapping",
      defaultValue = "auto",
      converter = Choices.LayerMethods.class,
      completionCandidates = Choices.LayerMethods.class,
      description =
          "Per-layer method: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). prefix ="
              + " differential prefix profiling with the energy counter (sim:gpu); auto adds it"
              + " where the board has an energy counter.")
  LayerMethod mapping;

  @Option(
      names = "--prefix-window",
      defaultValue = "2s",
      description =
          "prefix profiling: how long each prefix runs per round (at least 10 counter updates;"
              + " default: ${DEFAULT-VALUE})")
  String prefixWindow;

  @Option(
      names = "--calibrated",
      description =
          "correct the sensor's readings with the board's newest calibration in the base (inferwatt calibrate --save); the output then says calibrated")
  boolean calibrated;

  @Option(names = "--no-store", description = "do not store the run")
  boolean noStore;

  @Mixin KeepRawOption keepRaw;

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

  /** The calibration applied to this run's readings (empty: none). */
  private List<io.inferwatt.core.analysis.Calibration.RailFit> calibration = List.of();

  @Override
  public Integer call() throws Exception {
    SensorConfig sensor = sensor();
    Checks.atLeast("--batch", batch, 1);
    protocol.checkCounts();
    Checks.atLeast("--threads", threads, 0);
    long idleNs = protocol.idleNs();
    long runnerTimeoutNs = Checks.durationNs("--runner-timeout", runnerTimeout);
    AnalysisOptions analysis = AnalyzeCommand.options(protocol.minSamples, mapping.mapping, null);
    long prefixWindowNs = Checks.durationNs("--prefix-window", prefixWindow);
    boolean modelFile = !"command".equals(engine) && !positional.isEmpty();
    if (modelFile) {
      Checks.inputFile("the model file", Path.of(positional.get(0)));
    }
    OutputCheck outputs =
        new OutputCheck()
            .input("the model file", modelFile ? Path.of(positional.get(0)) : null)
            .input("--inputs", inputs)
            .output("--save-samples", saveSamples)
            .output("--save-events", saveEvents)
            .output("--meter-out", meterOut);
    if (!noStore) {
      outputs.writesBase(db.path);
    }
    outputs.check();
    Boards.Opened opened =
        Boards.openProfile(
            board.orNull(),
            new Boards.ProfileRequest(
                engine,
                positional,
                model,
                seed,
                sensor,
                root.path,
                new Boards.EngineOptions(
                    inputs, threads, runnerTimeoutNs, trtexec, engineCache, precision),
                spec.commandLine().getErr()::println));
    Recorder recorder = opened.recorder();
    if (calibrated) {
      recorder = calibrate(recorder);
    }
    NetworkSpec net = opened.network();
    Workload workload = new Workload(net, batch, mode, input);
    Map<String, String> settings = this.settings.settings();
    Protocol protocol = this.protocol.protocol(idleNs);
    Store store = noStore ? null : db.openOrCreate(); // touch the output first: fail in second 0
    try {
      PrintWriter err = spec.commandLine().getErr();
      Progress progress = new Progress(err, recorder.simulated());
      prefixOn(opened.engine(), prefixWindowNs); // refused before anything is measured
      ProfileResult result =
          ProfileRunner.run(recorder, workload, settings, protocol, analysis, progress);
      TruthReport extra =
          extras(opened.engine(), result, settings, analysis, prefixWindowNs, progress);
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
      Map<String, String> notes = clockNotes(opened.engine());
      if (recorder instanceof CalibratedRecorder c) {
        for (io.inferwatt.core.analysis.Calibration.RailFit f : c.fits()) {
          notes.put(
              "calibration." + f.rail(),
              String.format(Locale.ROOT, "gain=%.6f offset_mw=%.3f", f.gain(), f.offsetMw()));
        }
      }
      Long runId =
          store == null ? null : store.save(result, notes, opened.loggerCost(), keepRaw.keep);
      if (runId != null) {
        // a virtual run's truth check and the layers' methods, for show
        long id = runId;
        extra.stored().ifPresent(c -> store.base().saveMethodChecks(id, c));
      }
      // the run is stored first: a side file that cannot be written loses nothing
      saveFiles(result, opened.engine(), net, runId);
      if (meterOut != null && opened.recorder() instanceof VirtualNano nano) {
        MeterLog.write(meterOut, nano.meterReadings(), VirtualNano.meterClockZeroNs());
      }
      calibration = recorder instanceof CalibratedRecorder c ? c.fits() : List.of();
      print(result, runId, extra);
    } finally {
      opened.close();
      if (store != null) {
        store.close();
      }
    }
    return 0;
  }

  /** The virtual board's sensor from the options; refused on a real board. */
  private SensorConfig sensor() {
    String b = board.orNull();
    boolean simulated = b == null || b.equals("sim:nano");
    boolean asked =
        sensorWindowMs != null
            || sensorResponse != null
            || sensorGain != 1
            || sensorOffsetMw != 0
            || meterOut != null;
    if (!simulated && asked) {
      throw new BadInputException(
          "--sensor-window-ms, --sensor-response, --sensor-gain, --sensor-offset-mw and"
              + " --meter-out shape the virtual Jetson Nano's sensor; board "
              + b
              + " has its own (a real board's: check them against a bench meter with 'inferwatt"
              + " calibrate')");
    }
    if (sensorWindowMs != null && sensorResponse != null) {
      throw new BadInputException(
          "give either --sensor-window-ms or --sensor-response (boxcar:"
              + sensorWindowMs
              + "ms is the same as --sensor-window-ms "
              + sensorWindowMs
              + ")");
    }
    SensorResponse response;
    if (sensorResponse != null) {
      response = SensorResponse.parse(sensorResponse);
    } else {
      double ms = sensorWindowMs == null ? 1.1 : sensorWindowMs;
      Checks.nonNegative("--sensor-window-ms", ms, "a window in ms");
      response = SensorResponse.boxcar(Math.round(ms * 1e6));
    }
    if (!(sensorGain > 0) || Double.isInfinite(sensorGain)) {
      throw new BadInputException(
          "--sensor-gain " + sensorGain + " is not a positive number; give e.g. 0.95");
    }
    if (!Double.isFinite(sensorOffsetMw)) {
      throw new BadInputException(
          "--sensor-offset-mw " + sensorOffsetMw + " is not a number; give mW, e.g. -120");
    }
    return new SensorConfig(
        response, sensorGain, sensorOffsetMw, meterOut == null ? 0 : MeterLog.PERIOD_NS);
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

  /** The board with its newest stored calibration applied; refused when there is none. */
  private Recorder calibrate(Recorder recorder) {
    List<io.inferwatt.core.analysis.Calibration.RailFit> fits;
    try (Store s = db.openExisting("calibrate the board first: inferwatt calibrate ... --save")) {
      fits = s.base().calibration(recorder.board());
    }
    if (fits.isEmpty()) {
      throw new BadInputException(
          "--calibrated: the base "
              + db
              + " has no calibration of board "
              + recorder.board()
              + "; make one with inferwatt calibrate --meter ... --samples ... --board "
              + recorder.board()
              + " --save");
    }
    return new CalibratedRecorder(recorder, fits);
  }

  /**
   * The energy counter's and prefix profiling's numbers on a board with an energy counter, and a
   * virtual board's truth with the errors against it.
   */
  private TruthReport extras(
      Recorder engine,
      ProfileResult result,
      Map<String, String> settings,
      AnalysisOptions analysis,
      long prefixWindowNs,
      Recorder.ProgressListener progress) {
    boolean prefix = prefixOn(engine, prefixWindowNs);
    PrefixProfiler.Options defaults = PrefixProfiler.Options.defaults();
    Optional<LayerMethods.SlowSensor> slow =
        LayerMethods.measure(
            engine,
            result,
            settings,
            prefix
                ? Optional.of(
                    new PrefixProfiler.Options(
                        prefixWindowNs,
                        defaults.minRounds(),
                        defaults.maxRounds(),
                        defaults.relative(),
                        defaults.minShare()))
                : Optional.empty(),
            progress);
    Optional<Truth> truth =
        engine instanceof Truth.Source ts ? ts.lastTruth() : Optional.<Truth>empty();
    String rail = result.totalRail();
    List<LayerMethods.Layer> layers = List.of();
    Optional<AnalysisResult> buffer =
        slow.isPresent() ? LayerMethods.bufferFit(engine, result, analysis) : Optional.empty();
    if (slow.isPresent() || truth.isPresent()) {
      AnalysisResult a = result.analysis();
      AnalysisResult paper =
          a.mapping().method().equals("paper")
              ? a
              : Analyzer.analyze(
                  result.timeline(),
                  result.simulated(),
                  analysis.withMapping(LayerMapping.PAPER).withMinSamples(a.minSamplesPerLayer()));
      layers =
          LayerMethods.choose(
              a, paper, slow.flatMap(LayerMethods.SlowSensor::prefix), buffer, rail);
    }
    final List<LayerMethods.Layer> chosen = layers;
    Optional<LayerMethods.TruthErrors> errors =
        truth.map(
            t ->
                LayerMethods.against(
                    t,
                    rail,
                    result.analysis(),
                    slow.flatMap(LayerMethods.SlowSensor::counter),
                    chosen));
    return new TruthReport(
        truth,
        errors,
        slow,
        slow.flatMap(LayerMethods.SlowSensor::prefix).isPresent() ? layers : List.of(),
        buffer.map(AnalysisResult::mapping));
  }

  /**
   * Whether prefix profiling runs on {@code engine}: asked for, or {@code auto} on a board with an
   * energy counter; refused before anything is measured where it cannot run.
   */
  private boolean prefixOn(Recorder engine, long prefixWindowNs) {
    if (mapping == LayerMethod.PREFIX && !(engine instanceof EnergyCounter)) {
      throw new BadInputException(
          "--mapping prefix needs a board with an energy counter (sim:gpu); "
              + engine.board()
              + " has none");
    }
    boolean on =
        mapping == LayerMethod.PREFIX
            || (mapping == LayerMethod.AUTO && engine instanceof EnergyCounter);
    if (on) {
      PrefixProfiler.checkWindow((EnergyCounter) engine, prefixWindowNs);
    }
    return on;
  }

  private void print(ProfileResult r, Long runId, TruthReport extra) throws Exception {
    List<io.inferwatt.core.analysis.Calibration.RailFit> cal = calibration;
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      ObjectNode o = JsonReport.analysis(r.analysis());
      if (cal.isEmpty()) {
        o.putNull("calibrated");
      } else {
        ObjectNode c = o.putObject("calibrated");
        for (io.inferwatt.core.analysis.Calibration.RailFit f : cal) {
          ObjectNode n = c.putObject(f.rail());
          JsonReport.num(n, "gain", f.gain());
          JsonReport.num(n, "offset_mw", f.offsetMw());
        }
      }
      o.put("board", r.board());
      o.put("model", r.workload().network().name());
      ObjectNode s = o.putObject("settings");
      r.settings().forEach(s::put);
      s.put("batch", r.workload().batch());
      s.put("mode", r.workload().mode().id());
      s.put("input", r.workload().input().id());
      extra.json(o);
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
        r.simulated() ? " (virtual board: all numbers are simulated)" : "",
        r.workload().network().name(),
        r.workload().batch(),
        r.workload().mode().id(),
        r.workload().input().id());
    StringBuilder sb = new StringBuilder();
    r.settings()
        .forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "  ").append(k).append('=').append(v));
    text.line("settings: %s", sb.length() == 0 ? "(none: this board exposes no knobs yet)" : sb);
    for (io.inferwatt.core.analysis.Calibration.RailFit f : cal) {
      text.line(
          "calibrated: rail %s corrected as (reading - %.1f mW) / %.4f (the base's newest"
              + " calibration of this board)",
          f.rail(), f.offsetMw(), f.gain());
    }
    text.analysis(r.analysis());
    extra.text(text);
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
