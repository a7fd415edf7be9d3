package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.analysis.Calibration;
import io.inferwatt.core.io.MeterCsv;
import io.inferwatt.core.io.SamplesCsv;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt calibrate}: the board's power sensor against a bench meter's log. See {@link
 * Calibration} for the method.
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description = {
      "Check the board's power sensor against an external meter: align the meter's log with the"
          + " board's samples by cross-correlation (the clocks differ) and fit each rail's gain,"
          + " offset and lag.",
      "Example: inferwatt calibrate --meter meter.csv --samples samples.csv --time-col t_s"
          + " --power-col power_w --rail in --board sim:nano --save"
    })
final class CalibrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--meter",
      required = true,
      paramLabel = "FILE",
      description = "the meter's log: CSV with a header row")
  java.nio.file.Path meter;

  @Option(
      names = "--samples",
      required = true,
      paramLabel = "FILE",
      description = "the board's samples CSV of the same run (profile --save-samples, log)")
  java.nio.file.Path samples;

  @Option(
      names = "--time-col",
      paramLabel = "NAME",
      description = "the meter log's time column (default: the first column)")
  String timeCol;

  @Option(
      names = "--power-col",
      paramLabel = "NAME",
      description = "a power column of the meter log; repeat for more channels")
  List<String> powerCols = new ArrayList<>();

  @Option(
      names = "--voltage-col",
      paramLabel = "NAME",
      description = "a voltage column (with --current-col: power = voltage x current); repeatable")
  List<String> voltageCols = new ArrayList<>();

  @Option(
      names = "--current-col",
      paramLabel = "NAME",
      description = "a current column, paired with --voltage-col in order; repeatable")
  List<String> currentCols = new ArrayList<>();

  @Option(
      names = "--rail",
      paramLabel = "RAIL",
      description =
          "the board rail each meter channel measures, in the channels' order: power columns, then"
              + " voltage/current pairs (default: the samples' first rail)")
  List<String> railNames = new ArrayList<>();

  @Option(
      names = "--units",
      defaultValue = "time=s,power=W,voltage=V,current=A",
      description =
          "the meter log's units as key=unit pairs: time s|ms|us|ns, power W|mW, voltage V|mV,"
              + " current A|mA (default: ${DEFAULT-VALUE})")
  String units;

  @Option(
      names = "--max-lag",
      defaultValue = "10s",
      description =
          "the largest clock difference searched, either side of the logs' starts (default:"
              + " ${DEFAULT-VALUE})")
  String maxLag;

  @Option(
      names = "--bin",
      defaultValue = "100ms",
      description = "the bins whose mean powers are compared (default: ${DEFAULT-VALUE})")
  String bin;

  @Option(
      names = "--board",
      description =
          "the board the samples come from (needed with --save; sim:* marks the numbers simulated)")
  String board;

  @Option(
      names = "--save",
      description =
          "store the calibration for --board in the base; profile --calibrated applies it")
  boolean save;

  @Mixin DbOption db;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    Checks.inputFile("--meter", meter);
    Checks.inputFile("--samples", samples);
    long maxLagNs = Checks.durationNs("--max-lag", maxLag);
    long binNs = Checks.durationNs("--bin", bin);
    if (binNs < 1_000_000) {
      throw new BadInputException("--bin " + bin + " is below 1 ms; give e.g. 100ms");
    }
    if (save && board == null) {
      throw new BadInputException(
          "--save stores the calibration for a board: name it with --board");
    }
    OutputCheck check = new OutputCheck().input("--meter", meter).input("--samples", samples);
    if (save) {
      check.writesBase(db.path);
    }
    check.check();
    if (voltageCols.size() != currentCols.size()) {
      throw new BadInputException(
          "--voltage-col and --current-col come in pairs: "
              + voltageCols.size()
              + " voltage and "
              + currentCols.size()
              + " current columns given");
    }
    List<MeterCsv.Channel> channels = new ArrayList<>();
    powerCols.forEach(p -> channels.add(new MeterCsv.Channel(p, null, null)));
    for (int i = 0; i < voltageCols.size(); i++) {
      channels.add(new MeterCsv.Channel(null, voltageCols.get(i), currentCols.get(i)));
    }
    if (channels.isEmpty()) {
      throw new BadInputException(
          "name the meter's channel: --power-col NAME, or --voltage-col NAME --current-col NAME");
    }
    List<PowerSample> all;
    List<String> sampleRails;
    try (SamplesCsv.Reader in = SamplesCsv.open(samples)) {
      sampleRails = in.rails();
      all = new ArrayList<>();
      in.forEachRemaining(all::add);
    }
    List<String> rails = new ArrayList<>(railNames);
    if (rails.isEmpty() && channels.size() == 1) {
      rails.add(sampleRails.get(0));
    }
    if (rails.size() != channels.size()) {
      throw new BadInputException(
          "give one --rail per meter channel: "
              + channels.size()
              + " channels, "
              + rails.size()
              + " rails");
    }
    int[] idx = new int[rails.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = sampleRails.indexOf(rails.get(i));
      if (idx[i] < 0) {
        throw new BadInputException(
            "--rail " + rails.get(i) + ": the samples have the rails " + sampleRails);
      }
    }
    MeterCsv.Series m = MeterCsv.read(meter, timeCol, channels, MeterCsv.Units.parse(units));
    List<Calibration.RailFit> fits =
        Calibration.fit(m.tNs(), m.powerMw(), m.channels(), all, idx, rails, maxLagNs, binNs);
    Long saved = null;
    if (save) {
      try (Store store = db.openOrCreate()) {
        saved = store.base().saveCalibration(board, meter.toString(), fits);
      }
    }
    print(fits, saved);
    return 0;
  }

  private void print(List<Calibration.RailFit> fits, Long saved) throws Exception {
    boolean simulated = board != null && board.startsWith("sim:");
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      ObjectNode o = JsonReport.MAPPER.createObjectNode();
      if (board == null) {
        o.putNull("board");
      } else {
        o.put("board", board);
      }
      o.put("simulated", simulated);
      ArrayNode a = o.putArray("rails");
      for (Calibration.RailFit f : fits) {
        ObjectNode n = a.addObject();
        n.put("rail", f.rail());
        n.put("meter_channel", f.channel());
        JsonReport.num(n, "gain", f.gain());
        JsonReport.num(n, "offset_mw", f.offsetMw());
        JsonReport.num(n, "lag_ms", f.lagMs());
        JsonReport.num(n, "correlation", f.correlation());
        JsonReport.num(n, "residual_mw", f.residualMw());
        JsonReport.num(n, "residual_relative", f.residualRelative());
        n.put("bins", f.bins());
        JsonReport.num(n, "meter_spread_mw", f.meterSpreadMw());
      }
      if (saved == null) {
        o.putNull("calibration_id");
      } else {
        o.put("calibration_id", saved);
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
      return;
    }
    String tag = simulated ? "[simulated] " : "";
    out.println(
        tag
            + "calibration of "
            + (board == null ? "the board" : board)
            + " against the meter "
            + meter
            + " (board reading = gain x meter + offset; corrected = (reading - offset) / gain)");
    for (Calibration.RailFit f : fits) {
      out.printf(
          Locale.ROOT,
          "%srail %s <- meter %s: gain %.4f, offset %.1f mW, lag %.3f ms (board clock = meter"
              + " clock + lag, the sensor's own delay included), correlation %.3f; residual %.1f"
              + " mW (%.2f%%) over %d bins, meter spread %.0f mW%n",
          tag,
          f.rail(),
          f.channel(),
          f.gain(),
          f.offsetMw(),
          f.lagMs(),
          f.correlation(),
          f.residualMw(),
          100 * f.residualRelative(),
          f.bins(),
          f.meterSpreadMw());
      if (f.meterSpreadMw() < 10 * f.residualMw()) {
        out.println(
            tag
                + "warning: the power barely varied during the run, so the gain is poorly"
                + " determined; record a run with an idle phase and a loaded phase");
      }
    }
    if (saved != null) {
      out.printf(
          Locale.ROOT,
          "stored as calibration %d of board %s in %s; profile --calibrated applies it%n",
          saved,
          board,
          db);
    }
  }
}
