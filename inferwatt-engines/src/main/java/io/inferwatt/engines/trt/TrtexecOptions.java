package io.inferwatt.engines.trt;

import io.inferwatt.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the trtexec engine runs.
 *
 * @param trtexec the program: a path, or a bare name looked up on {@code PATH}
 * @param engineCache folder of built engines, reused across runs (key: model hash, TensorRT
 *     version, batch, precision)
 * @param precision {@code fp32} (TensorRT's default), {@code fp16}, {@code int8} or {@code best}
 * @param warmupMs trtexec's own warm-up before every timed pass ({@code --warmUp}, ms; trtexec
 *     warms up by time, not by cycles)
 * @param timeout the longest one trtexec process may take (building included)
 */
public record TrtexecOptions(
    Path trtexec, Path engineCache, String precision, int warmupMs, Duration timeout) {

  /** Where JetPack installs trtexec (it is not on {@code PATH} there). */
  public static final Path JETSON_TRTEXEC = Path.of("/usr/src/tensorrt/bin/trtexec");

  static final List<String> PRECISIONS = List.of("fp32", "fp16", "int8", "best");

  public TrtexecOptions {
    if (!PRECISIONS.contains(precision)) {
      throw new BadInputException(
          "precision '" + precision + "' is not one of " + String.join(", ", PRECISIONS));
    }
    if (warmupMs < 0) {
      throw new BadInputException("trtexec warm-up " + warmupMs + " ms is negative");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new BadInputException("trtexec timeout " + timeout + " is not positive");
    }
  }

  /**
   * {@code /usr/src/tensorrt/bin/trtexec} where it exists (Jetson), else {@code trtexec} on {@code
   * PATH}; engines in {@code ~/.cache/inferwatt/engines}; fp32; 200 ms warm-up (trtexec's default);
   * 30 min per process (building a large engine on a Nano takes minutes).
   */
  public static TrtexecOptions defaults() {
    Path exe = Files.isExecutable(JETSON_TRTEXEC) ? JETSON_TRTEXEC : Path.of("trtexec");
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "inferwatt", "engines");
    return new TrtexecOptions(exe, cache, "fp32", 200, Duration.ofMinutes(30));
  }

  public TrtexecOptions withTrtexec(Path p) {
    return new TrtexecOptions(p, engineCache, precision, warmupMs, timeout);
  }

  public TrtexecOptions withEngineCache(Path dir) {
    return new TrtexecOptions(trtexec, dir, precision, warmupMs, timeout);
  }

  public TrtexecOptions withPrecision(String p) {
    return new TrtexecOptions(trtexec, engineCache, p, warmupMs, timeout);
  }

  public TrtexecOptions withWarmupMs(int ms) {
    return new TrtexecOptions(trtexec, engineCache, precision, ms, timeout);
  }

  public TrtexecOptions withTimeout(Duration d) {
    return new TrtexecOptions(trtexec, engineCache, precision, warmupMs, d);
  }
}
