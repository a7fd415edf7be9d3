package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.ort.OrtRecorder;
import io.inferwatt.engines.sim.SensorConfig;
import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.hardware.EnergyCounter;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.study.PrefixProfiler;
import io.inferwatt.study.ProfileResult;
import io.inferwatt.study.ProfileRunner;
import io.inferwatt.study.boards.Boards;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt profile}: measure one configuration and store it. This class holds the options
 * and the wiring; the virtual sensor's options are {@link SimSensorOptions}, what the truth and the
 * energy counter add is measured by {@link TruthReport}, the printed report is {@link
 * ProfileOutput}, the run's notes and side files are {@link ProfileFiles}, the progress line is
 * {@link PhaseProgress}.
 */
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

  @Mixin SimSensorOptions simSensor;

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

  @Override
  public Integer call() throws Exception {
    SensorConfig sensor = simSensor.sensor(board.orNull());
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
            .output("--meter-out", simSensor.meterOut);
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
    try { // from here on the board is closed (its settings restored) whatever fails
      measure(opened, idleNs, analysis, prefixWindowNs);
    } finally {
      opened.close();
    }
    return 0;
  }

  /** Measures on the opened board, stores and prints. */
  private void measure(
      Boards.Opened opened, long idleNs, AnalysisOptions analysis, long prefixWindowNs)
      throws Exception {
    // ONNX Runtime's threads as the user chose them, stored with the run as a study stores them
    boolean ort = opened.engine() instanceof OrtRecorder;
    if (threads > 0 && !ort) {
      throw new BadInputException(
          "--threads: only the onnxruntime engine has intra-op threads, not "
              + (engine == null
                  ? "the engine of board " + opened.engine().board()
                  : "engine " + engine));
    }
    Recorder recorder = opened.recorder();
    if (calibrated) {
      recorder = calibrate(recorder);
    }
    NetworkSpec net = opened.network();
    Workload workload = new Workload(net, batch, mode, input, ort ? threads : 0);
    Map<String, String> settings = this.settings.settings();
    Protocol protocol = this.protocol.protocol(idleNs);
    Store store = noStore ? null : db.openOrCreate(); // touch the output first: fail in second 0
    try {
      PrintWriter err = spec.commandLine().getErr();
      PhaseProgress progress = new PhaseProgress(err, recorder.simulated());
      boolean prefix = prefixOn(opened.engine(), prefixWindowNs); // refused before measuring
      ProfileResult result =
          ProfileRunner.run(recorder, workload, settings, protocol, analysis, progress);
      TruthReport extra =
          TruthReport.measure(
              opened.engine(), result, settings, analysis, prefix, prefixWindowNs, progress);
      progress.done();
      Map<String, String> notes = ProfileFiles.runNotes(opened.engine(), recorder, err);
      Long runId =
          store == null ? null : store.save(result, notes, opened.loggerCost(), keepRaw.keep);
      if (runId != null) {
        // a virtual run's truth check and the layers' methods, for show
        long id = runId;
        extra.stored().ifPresent(c -> store.base().saveMethodChecks(id, c));
      }
      // the run is stored first: a side file that cannot be written loses nothing
      new ProfileFiles(saveSamples, saveEvents)
          .save(result, opened.engine(), net, runId, String.valueOf(db));
      if (simSensor.meterOut != null && opened.recorder() instanceof VirtualNano nano) {
        MeterLog.write(simSensor.meterOut, nano.meterReadings(), VirtualNano.meterClockZeroNs());
      }
      new ProfileOutput(
              spec.commandLine().getOut(), output.json(), Main.verbose(spec), String.valueOf(db))
          .print(
              result,
              runId,
              extra,
              recorder instanceof CalibratedRecorder c ? c.fits() : List.of());
    } finally {
      if (store != null) {
        store.close();
      }
    }
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
}
