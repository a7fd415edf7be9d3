package io.inferwatt.study.boards;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.sim.SensorConfig;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.hardware.knobs.CpuFreqMethod;
import io.inferwatt.hardware.knobs.Knobs;
import io.inferwatt.hardware.knobs.KnownBoards;
import io.inferwatt.hardware.knobs.NvmlControl;
import io.inferwatt.study.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one registry of boards, by name: {@code profile}, {@code study} and {@code restore} find
 * every board here. A new board is one more entry in {@link #ALL}: a {@link MachineBoard} with its
 * knob factory, or a class of its own implementing {@link Board}.
 */
public final class Boards {
  /** This machine as it is, changing no setting (ONNX Runtime on its CPU by default). */
  public static final String LOCAL = "local";

  /** This machine's CPUs with their cores and clock as knobs. */
  public static final String LINUX_CPU = "linux-cpu";

  private static final List<Board> ALL =
      List.of(
          new VirtualBoard(),
          new VirtualGpuBoard(),
          new MachineBoard(
              LOCAL, "this machine with its power sensors, changing no setting", host -> List.of()),
          new MachineBoard(
              "jetson",
              "this machine as an NVIDIA Jetson: power mode, CPU cores and clock, GPU and memory"
                  + " clocks, INA3221 sensors",
              Knobs::jetson),
          new MachineBoard(
              "nvidia",
              "this machine's NVIDIA GPU 0 through NVML: locked graphics and memory clocks, power"
                  + " limit; NVML sensor",
              Boards::nvidiaKnobs),
          new MachineBoard(
              LINUX_CPU,
              "this machine's CPUs: online cores and clock (pinned), its power sensors",
              host -> Knobs.linuxCpu(host, CpuFreqMethod.PIN_RANGE)));

  private Boards() {}

  /**
   * GPU 0's NVML knobs; none on a machine without the NVIDIA driver (its sensors say so, and a
   * setting is then refused as unknown to the board).
   */
  private static List<io.inferwatt.hardware.Knob> nvidiaKnobs(
      io.inferwatt.hardware.knobs.Host host) {
    NvmlControl nvml = NvmlControl.system();
    try {
      nvml.deviceCount();
    } catch (IllegalStateException e) {
      return List.of();
    }
    return Knobs.nvidiaGpu(host, nvml, 0);
  }

  /** Every board, in the order help texts list them. */
  public static List<Board> all() {
    return ALL;
  }

  /** Every board's name. */
  public static List<String> names() {
    return ALL.stream().map(Board::name).toList();
  }

  /** The board called {@code name}, if any. */
  public static Optional<Board> find(String name) {
    return ALL.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /**
   * The board called {@code name}.
   *
   * @throws IllegalArgumentException naming the boards there are
   */
  public static Board get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new BadInputException(
                    "board '"
                        + name
                        + "' is not supported yet; available: "
                        + String.join(", ", names())));
  }

  /** The boards as {@code restore} checks a saved state against them: by name, their knobs. */
  public static KnownBoards known() {
    return (name, host) -> find(name).map(b -> b.knobs(host));
  }

  /**
   * Engine settings from the command line.
   *
   * @param inputs folder of images for varied inputs, or null
   * @param threads ONNX Runtime intra-op threads, 0 = its default
   * @param runnerTimeoutNs the longest a runner child may take
   * @param trtexec the trtexec program, or null for the default
   * @param engineCache trtexec's folder of built engines, or null for the default
   * @param precision trtexec's precision, or null for the default
   */
  public record EngineOptions(
      Path inputs,
      int threads,
      long runnerTimeoutNs,
      Path trtexec,
      Path engineCache,
      String precision) {}

  /**
   * What {@code profile} asks a board for.
   *
   * @param engine the engine named, or null for the board's default
   * @param positional a model file, or with engine {@code command} the runner's command line
   * @param model the virtual board's built-in network
   * @param seed the virtual board's seed
   * @param sensor the virtual board's sensor: its response, gain and offset errors, and whether an
   *     external meter watches it
   * @param root where the power sensors' (and knobs') files are
   * @param options the real engines' settings
   * @param notes receives notes for people (no sensor found, threads chosen)
   */
  public record ProfileRequest(
      String engine,
      List<String> positional,
      String model,
      long seed,
      SensorConfig sensor,
      Path root,
      EngineOptions options,
      Consumer<String> notes) {
    public ProfileRequest {
      positional = List.copyOf(positional);
    }
  }

  /** A recorder opened for one profile, with what must be closed after it. */
  public static final class Opened implements AutoCloseable {
    private final Recorder recorder;
    private final Recorder engine;
    private final NetworkSpec network;
    private final AutoCloseable resources;
    private final Optional<LoggerFeed> logger;

    Opened(
        Recorder recorder,
        Recorder engine,
        NetworkSpec network,
        AutoCloseable resources,
        Optional<LoggerFeed> logger) {
      this.recorder = recorder;
      this.engine = engine;
      this.network = network;
      this.resources = resources;
      this.logger = logger;
    }

    /** The recorder to measure with (its knobs save and restore the board's state). */
    public Recorder recorder() {
      return recorder;
    }

    /** The engine's own recorder, for its report (trtexec's clock placement, ...). */
    public Recorder engine() {
      return engine;
    }

    /** The network measured. */
    public NetworkSpec network() {
      return network;
    }

    /** The power logger's cost so far; empty without a power logger. */
    public Optional<LoggerCost> loggerCost() {
      return logger.map(LoggerFeed::cost);
    }

    /** Restores the board's settings and closes the engine and the power sources. */
    @Override
    public void close() {
      try {
        resources.close();
      } catch (Exception e) {
        throw new IllegalStateException(
            "could not close " + recorder.board() + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Opens board {@code board} for one profile; without a board name, {@code sim:nano}, or {@code
   * local} for a model file or a runner.
   *
   * @throws IllegalArgumentException for an unknown board or a request that does not fit it
   */
  public static Opened openProfile(String board, ProfileRequest request) {
    boolean command = "command".equals(request.engine());
    boolean file = !command && !request.positional().isEmpty();
    String b = board != null ? board : (file || command ? LOCAL : VirtualBoard.NAME);
    return get(b).openProfile(request);
  }

  /**
   * Opens the board {@code plan} names for its study.
   *
   * @param root where the board's files are; null for this machine
   * @throws IllegalArgumentException for an unknown board or an engine that cannot run here
   */
  public static StudyBoard openStudy(Plan plan, Path root, boolean dryRun, Consumer<String> out) {
    return get(plan.board()).openStudy(plan, root, dryRun, out);
  }
}
