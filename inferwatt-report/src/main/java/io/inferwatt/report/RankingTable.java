package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.study.Optima;
import java.util.List;
import java.util.Locale;

/**
 * The sweeps ranked by how far they move energy per input (max/min − 1 over the sweep).
 *
 * @param ranking the sweeps, the largest spread first
 */
record RankingTable(List<Optima.Influence> ranking) {

  RankingTable {
    ranking = List.copyOf(ranking);
  }

  static RankingTable of(Optima.Result r) {
    return new RankingTable(r.energyRanking());
  }

  /** The section {@code ranking}; {@code tag} marks a simulated study. */
  String html(String tag) {
    StringBuilder sb = new StringBuilder();
    sb.append("<section id=\"ranking\"><h2>Settings ranked by their effect on energy")
        .append(tag)
        .append("</h2>")
        .append(
            "<table class=\"grid sortable\"><thead><tr><th>sweep</th><th>spread (max/min − 1)</th><th></th>"
                + "<th>min energy per input (mJ)</th><th>max energy per input (mJ)</th></tr></thead><tbody>");
    double top = ranking.stream().mapToDouble(Optima.Influence::spread).max().orElse(1);
    for (Optima.Influence i : ranking) {
      sb.append("<tr><td>")
          .append(esc(i.label()))
          .append("</td>")
          .append(num(100 * i.spread(), 1).replace("</td>", " %</td>"))
          .append(
              String.format(
                  Locale.ROOT,
                  "<td><div class=\"hbar\" style=\"width:%.0fpx\"></div></td>",
                  200 * i.spread() / top))
          .append(num(i.minMj(), 3))
          .append(num(i.maxMj(), 3))
          .append("</tr>");
    }
    sb.append("</tbody></table></section>");
    return sb.toString();
  }
}
