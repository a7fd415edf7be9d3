package io.inferwatt.engines.trt;

import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.feed.ClockAlignment;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.hardware.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TensorRT's {@code trtexec} as a {@link Recorder}: builds the model's engine once (cached by model
 * hash, TensorRT version, batch and precision; {@code --saveEngine}, then {@code --loadEngine}),
 * then runs one trtexec process per phase:
 *
 * <ol>
 *   <li>latency — power feed off, {@code --exportTimes}; the pass's own warm-up ({@code --warmUp}
 *       ms) is the {@code warmup} phase;
 *   <li>power — feed on, {@code --exportTimes};
 *   <li>layers — feed on, {@code --exportTimes} and {@code --exportProfile} (with {@code
 *       --separateProfileRun} before TensorRT 11, without which trtexec writes no times when it
 *       profiles); the profile's per-layer mean times are laid into every timed iteration from its
 *       compute start (the paper's method: trtexec exports no per-iteration layer times);
 *   <li>idle — feed on, nothing runs.
 * </ol>
 *
 * <p>{@link io.inferwatt.engines.protocol.ProtocolDriver} sequences the passes: the feed logs
 * without a break from the power pass's launch to the end of the idle phase.
 *
 * <p>trtexec's times are ms since its own inference run started, with no epoch. Each pass is placed
 * on the monotonic base once: coarsely by the bracket {@code [launch, exit]} of the child ({@code
 * System.nanoTime()}), then, where power was logged, by {@link TraceAlignment} (the compute windows
 * cross-correlated with the GPU rail), whichever is tighter. Every placement and its uncertainty is
 * in {@link #lastReport()}.
 *
 * <p>A failing pass throws {@link TrtexecException} with the passes before it; a missing trtexec
 * fails in {@link #create}.
 */
public interface TrtexecRecorder extends Recorder {

  /**
   * A recorder for {@code model}.
   *
   * @param launcher starts trtexec (tests hand a fake)
   * @param feed the power source, or empty (latency and per-layer latency only)
   * @throws IllegalArgumentException when the model or trtexec is missing
   */
  static TrtexecRecorder create(
      Path model, TrtexecOptions options, ProcessLauncher launcher, Optional<SampleFeed> feed) {
    if (!Files.isRegularFile(model)) {
      throw new BadInputException(model + ": no such model file");
    }
    Path exe = TrtexecEngine.resolve(options.trtexec(), System.getenv("PATH"));
    return new TrtexecEngine(model, options, exe, launcher, feed.orElse(null));
  }

  /** What the last {@link #record} noted besides its timeline. */
  Report lastReport();

  /**
   * How one pass was placed on the monotonic base.
   *
   * @param phase the protocol phase the pass measured
   * @param applied the alignment used: {@code monotonicNs = offsetNs + trtexecMs × 10⁶}
   * @param method {@code power trace} or {@code launch bracket}
   * @param launchBracket the coarse alignment by the child's launch and exit
   * @param trace the cross-correlation with the power trace, where power was logged
   */
  record PassAlignment(
      String phase,
      ClockAlignment applied,
      String method,
      ClockAlignment launchBracket,
      Optional<ClockAlignment> trace) {}

  /**
   * Notes of one recording.
   *
   * @param version the TensorRT version trtexec reported
   * @param engine the engine file used
   * @param engineBuilt whether this recording built it (false: taken from the cache)
   * @param alignments one per pass
   * @param layerCycles timed iterations of the layer pass
   * @param profiledIterations iterations the layer profile averaged over
   * @param notes things a person should know
   */
  record Report(
      Trtexec.Version version,
      Path engine,
      boolean engineBuilt,
      List<PassAlignment> alignments,
      int layerCycles,
      long profiledIterations,
      List<String> notes) {
    public Report {
      alignments = List.copyOf(alignments);
      notes = List.copyOf(notes);
    }

    /** The largest placement uncertainty of any pass, in ns (0 when nothing was placed). */
    public long alignmentErrorNs() {
      return alignments.stream().mapToLong(a -> a.applied().uncertaintyNs()).max().orElse(0);
    }
  }
}
