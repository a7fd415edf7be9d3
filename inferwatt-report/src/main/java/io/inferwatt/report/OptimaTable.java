package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.study.Models;
import io.inferwatt.study.Optima;
import java.util.ArrayList;
import java.util.List;

/**
 * Table I: per objective, each setting's best in its own sweep and the values within the tolerance;
 * and under it the optima of every sweep.
 *
 * @param factors the settings Table I has a column for (the model and input left out), in order
 * @param optima the study's optima
 */
record OptimaTable(List<String> factors, Optima.Result optima) {

  OptimaTable {
    factors = List.copyOf(factors);
  }

  static OptimaTable of(Optima.Result r) {
    List<String> factors = new ArrayList<>();
    for (Optima.Best b : r.overall().values()) {
      for (String f : b.best().keySet()) {
        if (!factors.contains(f) && !f.equals(Models.MODEL) && !f.equals(Models.INPUT)) {
          factors.add(f);
        }
      }
    }
    return new OptimaTable(factors, r);
  }

  /** The section {@code table1}; {@code tag} marks a simulated study. */
  String html(String tag) {
    Optima.Result r = optima;
    StringBuilder sb = new StringBuilder();
    sb.append("<section id=\"table1\"><h2>Table I — Optimal settings").append(tag).append("</h2>");
    sb.append("<table class=\"grid\"><tr><th>optimum</th>");
    for (String f : factors) {
      sb.append("<th>").append(esc(axis(f))).append("</th>");
    }
    sb.append("</tr>");
    for (Optima.Objective o : Optima.Objective.values()) {
      Optima.Best b = r.overall().get(o);
      sb.append("<tr><th>")
          .append(esc(cap(o.id())))
          .append(" (")
          .append(esc(o.unit()))
          .append(")</th>");
      for (String f : factors) {
        String best = b.best().get(f);
        List<String> within = b.within().getOrDefault(f, List.of());
        sb.append("<td><b>").append(esc(best == null ? "-" : pretty(f, best))).append("</b>");
        if (within.size() > 1) {
          sb.append("<br><small>within ")
              .append(Math.round(r.tolerance() * 100))
              .append(" %: ")
              .append(esc(range(f, within)))
              .append("</small>");
        }
        sb.append("</td>");
      }
      sb.append("</tr>");
    }
    sb.append(
        "</table><p class=\"note\">Each setting's best in its own one-at-a-time sweep (the paper's Table I);"
            + " power: mean of the total rail; latency and energy per input. \"within\": the values no more than the"
            + " tolerance worse than the best. Paper (measured on a Jetson Nano): power 1 core, 102 MHz, 76 MHz, sync B1;"
            + " latency 1–4 cores, 1.49 GHz, 921 MHz, async B&gt;1; energy 1 core, 307 MHz, 537–921 MHz, async B&gt;1.</p>");
    sb.append(
        "<h3>Per sweep</h3><table class=\"grid sortable\"><thead><tr><th>sweep</th><th>measured</th>");
    for (Optima.Objective o : Optima.Objective.values()) {
      sb.append("<th>best ")
          .append(o.id())
          .append(" (")
          .append(esc(o.unit()))
          .append(")</th><th>at</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (Optima.SliceOptima s : r.slices()) {
      sb.append("<tr><td>")
          .append(esc(s.label()))
          .append("</td><td data-v=\"")
          .append(s.measured())
          .append("\">")
          .append(s.measured())
          .append("/")
          .append(s.planned())
          .append("</td>");
      for (Optima.Objective o : Optima.Objective.values()) {
        Optima.Best b = s.best().get(o);
        sb.append(num(b.value(), 3))
            .append("<td>")
            .append(
                esc(
                    String.join(
                        ", ",
                        b.best().entrySet().stream()
                            .map(e -> pretty(e.getKey(), e.getValue()))
                            .toList())))
            .append("</td>");
      }
      sb.append("</tr>");
    }
    sb.append("</tbody></table></section>");
    return sb.toString();
  }
}
