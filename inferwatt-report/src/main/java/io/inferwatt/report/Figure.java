package io.inferwatt.report;

import java.util.List;

/**
 * One figure of the report as a value: what a figure class makes of the results model, before it
 * becomes HTML.
 *
 * @param id the section's id ({@code fig4}); {@code #id} in the page's address shows it alone
 * @param label its label ({@code Fig. 4})
 * @param title what it shows
 * @param note the text under the title (HTML), or null
 * @param svgs its charts, each an inline SVG; none when the study has nothing to draw
 */
record Figure(String id, String label, String title, String note, List<String> svgs) {

  Figure {
    svgs = List.copyOf(svgs);
  }

  static Figure of(String id, String label, String title, String note, List<String> svgs) {
    return new Figure(id, label, title, note, svgs);
  }

  /** A figure the study cannot draw, saying why. */
  static Figure absent(String id, String label, String title, String why) {
    return new Figure(
        id,
        label,
        title,
        "<span class=\"absent\">Not in this report: " + Style.esc(why) + "</span>",
        List.of());
  }
}
