package io.inferwatt.engines.runner;

import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.hardware.Recorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Any framework as a {@link Recorder}, through the external runner protocol ({@code
 * docs/runners.md}): a child process prints the events JSONL on its standard output while the power
 * feed logs; the recorder reads it line by line as it comes.
 *
 * <p>The argument list may hold placeholders that {@link #record} fills from the workload and the
 * protocol: {@code {network}}, {@code {batch}}, {@code {mode}} ({@code sync}|{@code async}), {@code
 * {input}} ({@code black}|{@code fixed-random}|{@code varied}), {@code {warmup}}, {@code
 * {latency}}, {@code {power}}, {@code {layers}} (cycles). The same values are in the environment as
 * {@code INFERWATT_NETWORK}, {@code INFERWATT_BATCH}, {@code INFERWATT_MODE}, {@code
 * INFERWATT_INPUT}, {@code INFERWATT_WARMUP}, {@code INFERWATT_LATENCY_CYCLES}, {@code
 * INFERWATT_POWER_CYCLES}, {@code INFERWATT_LAYER_CYCLES}.
 *
 * <p>The runner sequences the protocol's phases itself, so it is not driven by {@link
 * io.inferwatt.engines.protocol.ProtocolDriver}: inferwatt logs power while it runs and adds the
 * idle phase after it.
 *
 * <p>A runner that exits non-zero, outlives the timeout (it is then destroyed) or prints a line
 * that is not an event makes {@link #record} throw {@link RunnerException}, which names the line
 * and keeps what was read before it.
 */
public interface CommandRecorder extends Recorder {

  /**
   * A recorder for {@code argv}.
   *
   * @param timeout the longest a runner may take, idle phase excluded
   * @param feed the power source, or empty
   */
  static CommandRecorder create(
      List<String> argv,
      Duration timeout,
      ProcessLauncher launcher,
      Optional<SampleFeed> feed,
      Path workDir) {
    if (argv.isEmpty()) {
      throw new BadInputException("the runner command is empty");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new BadInputException("runner timeout " + timeout + " is not positive");
    }
    return new ChildRunner(List.copyOf(argv), timeout, launcher, feed.orElse(null), workDir);
  }
}
