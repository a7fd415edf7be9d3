package io.inferwatt.engines.trt;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.FeedPhases;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.protocol.ProtocolDriver;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The {@link TrtexecRecorder} implementation. One recording at a time. */
final class TrtexecEngine implements TrtexecRecorder {
  private final Path model;
  private final TrtexecOptions options;
  private final Path trtexec;
  private final ProcessLauncher launcher;
  private final SampleFeed feed;
  private volatile Report last;

  TrtexecEngine(
      Path model, TrtexecOptions options, Path trtexec, ProcessLauncher launcher, SampleFeed feed) {
    this.model = model;
    this.options = options;
    this.trtexec = trtexec;
    this.launcher = launcher;
    this.feed = feed;
    this.last =
        new Report(
            new Trtexec.Version(0, 0, 0),
            Path.of(""),
            false,
            List.of(),
            0,
            0,
            List.of("nothing recorded yet"));
  }

  /**
   * The trtexec program: {@code exe} itself when it names a path, else the first executable of that
   * name on {@code path}.
   */
  static Path resolve(Path exe, String path) {
    String hint =
        "install TensorRT (on Jetson: JetPack puts it at "
            + TrtexecOptions.JETSON_TRTEXEC
            + ") or give its path with --trtexec PATH";
    if (exe.getNameCount() > 1 || exe.isAbsolute()) {
      if (!Files.isExecutable(exe) || Files.isDirectory(exe)) {
        throw new BadInputException(
            "trtexec " + exe + " does not exist or is not executable; " + hint);
      }
      return exe;
    }
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, exe.toString());
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    throw new BadInputException(
        "trtexec not found: no '"
            + exe
            + "' on PATH, and "
            + TrtexecOptions.JETSON_TRTEXEC
            + " does not exist; "
            + hint);
  }

  @Override
  public String board() {
    return "trtexec:" + model.getFileName();
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public List<Rail> rails() {
    return FeedPhases.rails(feed);
  }

  @Override
  public List<Knob> knobs() {
    return List.of();
  }

  @Override
  public Report lastReport() {
    return last;
  }

  @Override
  public synchronized Timeline record(
      Workload workload, Protocol protocol, ProgressListener listener) {
    if (workload.input() != InputKind.FIXED_RANDOM) {
      throw new BadInputException(
          "trtexec feeds its own random input; input '"
              + workload.input().id()
              + "' is not supported with the trtexec engine (use fixed-random)");
    }
    TrtexecBackend b = new TrtexecBackend(model, options, trtexec, launcher, feed);
    try {
      Timeline t = ProtocolDriver.record(b, feed, workload, protocol, listener);
      last = b.report();
      return t;
    } catch (TrtexecException e) {
      last = b.report(); // a failed pass: what the passes before it noted
      throw e;
    }
  }

  /**
   * A layer's type from TensorRT's name for it: {@code Reformat} for reformatting nodes, else the
   * operator of the first fused ONNX node ({@code /conv1/Conv + /relu/Relu} → {@code Conv}, {@code
   * Conv_0 + Relu_1} → {@code Conv}); empty when the name says nothing.
   */
  static String layerType(String name) {
    if (name.startsWith("Reformatting") || name.contains("CopyNode")) {
      return "Reformat";
    }
    String first = name.split(" \\+ ", 2)[0].strip();
    first = first.substring(first.lastIndexOf('/') + 1).replaceFirst("_\\d+$", "");
    return first.matches("[A-Za-z][A-Za-z0-9]*") ? first : "";
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TrtexecRecorder[" + model + ", " + trtexec + ", " + options.precision() + "]";
  }
}
