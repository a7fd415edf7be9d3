package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.SensorResponse;
import io.inferwatt.engines.sim.SensorConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The virtual Jetson Nano's sensor as {@code profile} shapes it, a picocli mixin: its response
 * ({@code --sensor-window-ms} or {@code --sensor-response}), gain and offset errors, and the bench
 * meter's log ({@code --meter-out}). Refused on a real board, whose sensor is its own.
 */
final class SimSensorOptions {

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

  /**
   * The virtual board's sensor from the options; refused on a real board.
   *
   * @param board the {@code --board} given, or null (the virtual Nano)
   */
  SensorConfig sensor(String board) {
    boolean simulated = board == null || board.equals("sim:nano");
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
              + board
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
}
