package io.inferwatt.report;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.Estimate;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunRow;
import io.inferwatt.store.StoredRun;
import io.inferwatt.store.StudyConfigurationRow;
import io.inferwatt.store.StudyInput;
import io.inferwatt.store.StudyRow;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.Models;
import io.inferwatt.study.Optima;
import io.inferwatt.study.Outcome;
import io.inferwatt.study.Plans;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The results of one stored study, read through the store's typed queries: its configurations with
 * their per-rail results, the board's total rail, the outcomes and optima, and (on demand, while
 * the store is open) per-inference distributions, layers and raw samples. {@code optima}, {@code
 * report} and {@code show} all read a study through this one model, so each number has one source.
 */
public final class StudyResults {

  private final MeasurementStore store;
  private final StudyRow study;
  private final Map<String, String> baseline;
  private final List<StudyInput.Slice> slices;
  private final Map<String, Configuration> configurations;
  private final Configuration baselineConfiguration;
  private final Map<Long, Distribution> distributions = new HashMap<>();

  private StudyResults(
      MeasurementStore store,
      StudyRow study,
      Map<String, String> baseline,
      List<StudyInput.Slice> slices,
      Map<String, Configuration> configurations) {
    this.store = store;
    this.study = study;
    this.baseline = Collections.unmodifiableMap(baseline);
    this.slices = List.copyOf(slices);
    this.configurations = Collections.unmodifiableMap(configurations);
    this.baselineConfiguration = findBaseline();
  }

  /** The store the results are read from (open while they are used). */
  MeasurementStore store() {
    return store;
  }

  /**
   * Reads study {@code studyId} (null: the one last started or resumed) from {@code store}. The
   * store must stay open while the model's on-demand parts are read.
   *
   * @throws IllegalArgumentException when the base holds no study, or not the one named
   */
  public static StudyResults load(MeasurementStore store, String studyId) {
    List<StudyRow> all = store.studies();
    if (all.isEmpty()) {
      throw new BadInputException(
          "the measurement base holds no study; run inferwatt study paper --board sim:nano (or"
              + " study run PLAN) first");
    }
    StudyRow study;
    if (studyId == null) {
      study = all.stream().max(Comparator.comparing(StudyRow::updatedAt)).orElseThrow();
    } else {
      study =
          store
              .study(studyId)
              .orElseThrow(
                  () ->
                      new BadInputException(
                          "study '"
                              + studyId
                              + "' is not in the measurement base; it has "
                              + String.join(", ", all.stream().map(StudyRow::studyId).toList())));
    }
    Map<String, String> baseline = Plans.parse(study.plan(), "study " + study.studyId()).baseline();
    Map<String, Configuration> configs = new LinkedHashMap<>();
    for (StudyConfigurationRow row : store.studyConfigurations(study.studyId())) {
      StoredRun run =
          store
              .run(row.runId())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "configuration "
                              + row.configKey()
                              + " of study "
                              + study.studyId()
                              + " names run "
                              + row.runId()
                              + ", which is not in the base"));
      configs.put(row.configKey(), new Configuration(row, run));
    }
    return new StudyResults(store, study, baseline, store.studySlices(study.studyId()), configs);
  }

  /** One finished configuration: its row in the study and its run's results. */
  public record Configuration(StudyConfigurationRow row, StoredRun run) {

    public String key() {
      return row.configKey();
    }

    public String model() {
      return row.model();
    }

    /** The value of setting {@code key}; the model is a setting too. */
    public String setting(String key) {
      return key.equals(Models.MODEL) ? row.model() : row.settings().get(key);
    }

    /** Inputs per inference, at least 1. */
    public int batch() {
      return Math.max(1, row.batch());
    }

    /** The rail its power source marked as the board's total, empty when none. */
    public String totalRail() {
      return run.totalRail();
    }

    /** Mean power of {@code rail} over the power phase with its 95% CI; NONE when not measured. */
    public Estimate powerMw(String rail) {
      Estimate e = run.result().inferences().powerMw().get(rail);
      return e == null ? Estimate.NONE : e;
    }

    /** Mean power of {@code rail}, NaN when not measured. */
    public double power(String rail) {
      return powerMw(rail).mean();
    }

    /** Energy per input of {@code rail}: mean power × mean latency, divided by the batch. */
    public double energyPerInput(String rail) {
      Double e = run.result().inferences().energyMjPaper().get(rail);
      return e == null ? Double.NaN : e / batch();
    }

    public double latencyPerInput() {
      return row.latencyMsMean() / batch();
    }

    /** Every setting with the model first, as the optima compare them. */
    public Map<String, String> settings() {
      Map<String, String> s = new LinkedHashMap<>();
      s.put(Models.MODEL, row.model());
      s.putAll(row.settings());
      return s;
    }

    /** The three objectives, on the board's total rail. */
    public Outcome outcome() {
      return new Outcome(
          row.configKey(),
          settings(),
          row.powerMwMean(),
          latencyPerInput(),
          row.energyMjPaper() / batch());
    }

    /** The layer with index {@code index}, or empty. */
    public Optional<LayerSummary> layer(int index) {
      return run.result().layers().stream().filter(l -> l.index() == index).findFirst();
    }
  }

  /**
   * Per-inference values of a configuration on its total rail: power (power phase), latency per
   * input (latency phase) and energy per input (power phase, trapezoidal).
   */
  public record Distribution(double[] powerMw, double[] latencyMs, double[] energyMj) {}

  public StudyRow study() {
    return study;
  }

  /** The plan's baseline settings (the configuration every sweep starts from). */
  public Map<String, String> baseline() {
    return baseline;
  }

  public List<StudyInput.Slice> slices() {
    return slices;
  }

  /** The finished configurations by key, in the study's order. */
  public Map<String, Configuration> configurations() {
    return configurations;
  }

  /** The configuration with the plan's baseline settings (else the first), or null when none. */
  public Configuration baselineConfiguration() {
    return baselineConfiguration;
  }

  /**
   * The board's total rail of the study: the baseline configuration's (as its source marked it),
   * else the first configuration's that has one; empty when no rail is marked.
   */
  public String totalRail() {
    if (baselineConfiguration != null && !baselineConfiguration.totalRail().isEmpty()) {
      return baselineConfiguration.totalRail();
    }
    return configurations.values().stream()
        .map(Configuration::totalRail)
        .filter(r -> !r.isEmpty())
        .findFirst()
        .orElse("");
  }

  /** Each configuration's objectives, by key. */
  public Map<String, Outcome> outcomes() {
    Map<String, Outcome> out = new LinkedHashMap<>();
    configurations.values().forEach(c -> out.put(c.key(), c.outcome()));
    return out;
  }

  /** Table I, the Pareto front and the ranking, with "within" meaning {@code tolerance} worse. */
  public Optima.Result optima(double tolerance) {
    List<Expansion.Slice> ss =
        slices.stream()
            .map(s -> new Expansion.Slice(s.label(), s.factors(), s.configKeys()))
            .toList();
    return Optima.compute(ss, baseline, outcomes(), tolerance);
  }

  /** The inferwatt versions that measured the study's runs, sorted. */
  public Set<String> toolVersions() {
    return new java.util.TreeSet<>(
        configurations.values().stream().map(c -> c.run().toolVersion()).toList());
  }

  /** The finished configurations of {@code slice}, in its order, each once. */
  public List<Configuration> members(StudyInput.Slice slice) {
    List<Configuration> cs = new ArrayList<>();
    for (String k : new LinkedHashSet<>(slice.configKeys())) {
      Configuration c = configurations.get(k);
      if (c != null) {
        cs.add(c);
      }
    }
    return cs;
  }

  /** Whether {@code a} and {@code b} agree on every baseline setting but the model. */
  public boolean sameExceptModel(Configuration a, Configuration b) {
    for (String k : baseline.keySet()) {
      if (!k.equals(Models.MODEL) && !Objects.equals(a.setting(k), b.setting(k))) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- read on demand

  /** Per-inference values of {@code c} on its total rail (read once). */
  public Distribution distribution(Configuration c) {
    return distributions.computeIfAbsent(
        c.row().runId(),
        id -> {
          int rail = c.run().result().rails().indexOf(c.totalRail());
          List<Double> p = new ArrayList<>();
          List<Double> l = new ArrayList<>();
          List<Double> e = new ArrayList<>();
          for (RunDetails.InferenceRecord r : store.inferenceRecords(id)) {
            if (r.phase().equals("latency")) {
              l.add(r.latencyMs() / c.batch());
            } else if (r.phase().equals("power")) {
              p.add(rail < 0 ? Double.NaN : r.powerMw()[rail]);
              e.add(rail < 0 ? Double.NaN : r.energyMj()[rail] / c.batch());
            }
          }
          return new Distribution(array(p), array(l), array(e));
        });
  }

  /** Every run of the base, oldest first. */
  public List<RunRow> runs() {
    return store.runs();
  }

  /** Run {@code id}, or empty. */
  public Optional<StoredRun> run(long id) {
    return store.run(id);
  }

  /** The per-inference records of run {@code id}. */
  public List<RunDetails.InferenceRecord> inferenceRecords(long id) {
    return store.inferenceRecords(id);
  }

  /** The raw samples of run {@code id} from {@code fromNs} to {@code toNs}. */
  public Optional<RawSamples> samples(long id, long fromNs, long toNs) {
    return store.samples(id, fromNs, toNs);
  }

  /** The network's layers stored with run {@code id}. */
  public List<LayerSpec> layerFeatures(long id) {
    return store.layerFeatures(id);
  }

  private Configuration findBaseline() {
    for (Configuration c : configurations.values()) {
      boolean all = true;
      for (Map.Entry<String, String> e : baseline.entrySet()) {
        if (!e.getValue().equals(c.setting(e.getKey()))) {
          all = false;
          break;
        }
      }
      if (all) {
        return c;
      }
    }
    return configurations.values().stream().findFirst().orElse(null);
  }

  private static double[] array(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
