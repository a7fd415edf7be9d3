package io.inferwatt.study.boards;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.hardware.sensors.PowerSources;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How much the power logger slows inference: MobileNetV2 (from the builder) on ONNX Runtime (CPU)
 * with the real {@link LoggerFeed} over a fake Jetson Nano JetPack 4 INA3221 sysfs tree (three
 * {@code in_powerN_input} files in a temporary folder, found by {@link PowerSources#discover}),
 * logger on against logger off, in interleaved rounds (off/on, then on/off, ...) so that drift
 * (clocks, caches, temperature) hits both alike. Prints latency p50 and mean of both and the
 * overhead in %. Reading tmpfs files is cheaper than the Nano's real sysfs reads (an I2C
 * transaction in the kernel), so this measures the logger's own cost (its thread, its wake-ups, the
 * drainer), not the sensor's.
 *
 * <p>Run: {@code mvn -q -o -pl inferwatt-study -am test-compile dependency:build-classpath
 * -Dmdep.outputFile=cp.txt} then {@code java -cp
 * inferwatt-study/target/test-classes:inferwatt-study/target/classes:$(cat inferwatt-study/cp.txt)
 * io.inferwatt.study.boards.LoggerOverheadBench [rounds] [inferences per block] [intra-op
 * threads]}.
 */
final class LoggerOverheadBench {

  private LoggerOverheadBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int perBlock = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    Path root = Files.createTempDirectory("inferwatt-bench-sysfs");
    Path iio =
        Files.createDirectories(root.resolve("sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0"));
    String[] names = {"POM_5V_IN", "POM_5V_GPU", "POM_5V_CPU"};
    long[] mw = {2300, 41, 371};
    for (int n = 0; n < 3; n++) {
      Files.writeString(iio.resolve("rail_name_" + n), names[n] + "\n");
      Files.writeString(iio.resolve("in_power" + n + "_input"), mw[n] + "\n");
      Files.writeString(iio.resolve("in_voltage" + n + "_input"), "5016\n");
      Files.writeString(iio.resolve("in_current" + n + "_input"), (mw[n] * 1000 / 5016) + "\n");
    }
    PowerSources.Discovery found = PowerSources.discover(root);
    if (found.present().isEmpty()) {
      throw new IllegalStateException("the fake INA3221 tree was not found: " + found.absent());
    }
    LoggerFeed feed = new LoggerFeed(found.present());
    byte[] model = OnnxIo.toBytes(Networks.mobileNetV2(1));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] image = new float[3 * 224 * 224];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) rnd.nextDouble(-1, 1);
    }
    long[] off = new long[rounds * perBlock];
    long[] on = new long[rounds * perBlock];
    long samples = 0;
    long loggedNs = 0;
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      if (threads > 0) {
        o.setIntraOpNumThreads(threads);
      }
      try (OrtSession s = env.createSession(model, o);
          OnnxTensor t =
              OnnxTensor.createTensor(env, FloatBuffer.wrap(image), new long[] {1, 3, 224, 224})) {
        Map<String, OnnxTensor> in = Map.of(Networks.INPUT, t);
        for (int i = 0; i < 100; i++) {
          s.run(in).close();
        }
        System.out.printf(
            Locale.ROOT,
            "MobileNetV2, ONNX Runtime CPU, %s intra-op threads, %d cores; logger: %s, period %.1f ms%n",
            threads > 0 ? Integer.toString(threads) : "default",
            Runtime.getRuntime().availableProcessors(),
            feed.rails(),
            feed.periodNs() / 1e6);
        for (int r = 0; r < rounds; r++) {
          for (int k = 0; k < 2; k++) {
            boolean logging = (r + k) % 2 == 1; // round 0: off then on; round 1: on then off; ...
            long[] into = logging ? on : off;
            long start = 0;
            if (logging) {
              feed.start();
              start = System.nanoTime();
            }
            for (int i = 0; i < perBlock; i++) {
              long a = System.nanoTime();
              s.run(in).close();
              into[r * perBlock + i] = System.nanoTime() - a;
            }
            if (logging) {
              loggedNs += System.nanoTime() - start;
              samples += feed.stop().size();
            }
          }
          System.out.printf(
              Locale.ROOT,
              "round %2d: off mean %.3f ms, on mean %.3f ms%n",
              r,
              mean(off, r * perBlock, perBlock) / 1e6,
              mean(on, r * perBlock, perBlock) / 1e6);
        }
      }
    }
    double offP50 = p50(off) / 1e6;
    double onP50 = p50(on) / 1e6;
    double offMean = mean(off, 0, off.length) / 1e6;
    double onMean = mean(on, 0, on.length) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "logger off: p50 %.3f ms, mean %.3f ms (%d inferences)%n",
        offP50,
        offMean,
        off.length);
    System.out.printf(
        Locale.ROOT,
        "logger on:  p50 %.3f ms, mean %.3f ms (%d inferences, %d samples, %.0f samples/s)%n",
        onP50,
        onMean,
        on.length,
        samples,
        samples / (loggedNs / 1e9));
    System.out.printf(
        Locale.ROOT,
        "overhead: p50 %+.2f %%, mean %+.2f %%%n",
        (onP50 / offP50 - 1) * 100,
        (onMean / offMean - 1) * 100);
    found.close();
  }

  private static double mean(long[] a, int from, int n) {
    double s = 0;
    for (int i = from; i < from + n; i++) {
      s += a[i];
    }
    return s / n;
  }

  private static double p50(long[] a) {
    long[] c = a.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
  }
}
