package io.inferwatt.cli;

import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.Estimate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The layers of an analysis that got fewer samples than asked, summarised for people: how many,
 * which of them matter for energy, and the cycles that would give those enough. "Matter" means
 * belonging to the fewest layers, largest energy first, that together hold a given share of the
 * layers' energy on the total rail (the rail with the highest mean power). A layer whose power is
 * not reported (shorter than the sensor's window) counts with its duration times the inference's
 * mean power.
 *
 * @param layers layers in the analysis
 * @param shortOfSamples layers with fewer samples than asked
 * @param unresolved layers whose power is not reported
 * @param minSamples samples asked per layer
 * @param equivalent whether samples are equivalent samples (window-aware mapping)
 * @param rail the rail the energy shares are taken on
 * @param mattering layers that hold {@code share} of the energy
 * @param share their share of the energy (at least the share asked)
 * @param shortMattering of those, the ones short of samples
 * @param cyclesForMattering cycles that would give those enough samples; -1 when unknown or none
 * @param cyclesForAll cycles that would give every layer enough; -1 when unknown or none
 * @param cyclesRun cycles the layers were measured over
 */
record LayerShortfall(
    int layers,
    int shortOfSamples,
    int unresolved,
    int minSamples,
    boolean equivalent,
    String rail,
    int mattering,
    double share,
    int shortMattering,
    long cyclesForMattering,
    long cyclesForAll,
    long cyclesRun) {

  static LayerShortfall of(AnalysisResult r, double shareAsked) {
    List<LayerSummary> ls = r.layers();
    String rail = totalRail(r);
    double inferencePowerMw = rail == null ? Double.NaN : r.inferences().powerMw().get(rail).mean();
    double[] energy = new double[ls.size()];
    double total = 0;
    for (int i = 0; i < ls.size(); i++) {
      LayerSummary l = ls.get(i);
      Double e = rail == null ? null : l.energyMj().get(rail);
      energy[i] =
          e != null && Double.isFinite(e)
              ? e
              : Double.isFinite(inferencePowerMw)
                  ? l.durationMsMean() * inferencePowerMw / 1000
                  : l.durationMsMean();
      energy[i] = Double.isFinite(energy[i]) && energy[i] > 0 ? energy[i] : 0;
      total += energy[i];
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < ls.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -energy[i]));
    boolean[] matters = new boolean[ls.size()];
    double held = 0;
    int mattering = 0;
    for (int i : order) {
      if (total > 0 && held >= shareAsked * total) {
        break;
      }
      matters[i] = true;
      held += energy[i];
      mattering++;
    }
    int shortOf = 0;
    int unresolved = 0;
    int shortMattering = 0;
    long forMattering = -1;
    long forAll = -1;
    boolean unknownMattering = false;
    long run = 0;
    for (int i = 0; i < ls.size(); i++) {
      LayerSummary l = ls.get(i);
      run = Math.max(run, l.cycles());
      Estimate p = rail == null ? Estimate.NONE : l.powerMw().get(rail);
      if (p == null || Double.isNaN(p.mean())) {
        unresolved++;
      }
      if (l.samples() >= r.minSamplesPerLayer()) {
        continue;
      }
      shortOf++;
      forAll = Math.max(forAll, l.cyclesNeeded());
      if (matters[i]) {
        shortMattering++;
        unknownMattering |= l.cyclesNeeded() < 0;
        forMattering = Math.max(forMattering, l.cyclesNeeded());
      }
    }
    return new LayerShortfall(
        ls.size(),
        shortOf,
        unresolved,
        r.minSamplesPerLayer(),
        r.mapping().method().equals("window"),
        rail,
        mattering,
        total > 0 ? held / total : 1,
        shortMattering,
        unknownMattering ? -1 : forMattering,
        forAll,
        run);
  }

  /** The rail with the highest mean power over the inferences: the board's total. */
  private static String totalRail(AnalysisResult r) {
    String best = null;
    double bestMw = Double.NEGATIVE_INFINITY;
    for (String rail : r.rails()) {
      double mw = r.inferences().powerMw().get(rail).mean();
      if (best == null || mw > bestMw) {
        best = rail;
        bestMw = Double.isNaN(mw) ? Double.NEGATIVE_INFINITY : mw;
      }
    }
    return best;
  }

  /**
   * One or two lines for people; empty without layers.
   *
   * @param moreOnVerbose whether to say that {@code --verbose} lists each layer
   */
  List<String> lines(boolean moreOnVerbose) {
    if (layers == 0) {
      return List.of();
    }
    String samples = equivalent ? "equivalent samples" : "samples";
    if (shortOfSamples == 0) {
      return List.of(
          String.format(
              Locale.ROOT, "layers: all %d got at least %d %s", layers, minSamples, samples));
    }
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "layers: %d of %d got fewer than %d %s%s%s",
            shortOfSamples,
            layers,
            minSamples,
            samples,
            unresolved == 0
                ? ""
                : "; "
                    + unresolved
                    + (unresolved == 1 ? " is" : " are")
                    + " too short for the sensor to report a power",
            moreOnVerbose ? " (each with --verbose)" : ""));
    String which =
        String.format(
            Locale.ROOT,
            "the %d layers that hold %.0f%% of the energy (%s rail)",
            mattering,
            Math.floor(100 * share),
            rail);
    if (shortMattering == 0) {
      out.add(which + " all got enough; the short ones hold the rest");
    } else {
      out.add(
          String.format(
              Locale.ROOT,
              "%s include %d of these; %s (this run: %d%s)",
              which,
              shortMattering,
              cyclesForMattering < 0
                  ? "more layer cycles would cover them"
                  : "about " + cyclesForMattering + " layer cycles would cover them",
              cyclesRun,
              cyclesForAll > cyclesForMattering && cyclesForMattering >= 0
                  ? "; all " + layers + " layers: about " + cyclesForAll
                  : ""));
    }
    return out;
  }
}
