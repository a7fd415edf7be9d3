package io.inferwatt.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart's scales and marks. */
class ChartTest {

  @Test
  void ticksAreRoundAndCoverTheRange() {
    assertThat(ChartAxes.ticks(0, 0.97, 6))
        .containsExactly(0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0);
    assertThat(ChartAxes.ticks(5520, 6010, 6)).startsWith(5500).endsWith(6100);
  }

  @Test
  void boxesHaveQuartilesAndLeaveNaNsOut() {
    Chart.Box b = Chart.Box.of(new double[] {1, 2, 3, 4, 5, Double.NaN});
    assertThat(b.median()).isEqualTo(3);
    assertThat(b.q1()).isEqualTo(2);
    assertThat(b.q3()).isEqualTo(4);
    assertThat(b.n()).isEqualTo(5);
    assertThat(Chart.Box.of(new double[] {Double.NaN})).isNull();
  }

  @Test
  void anSvgHasItsAxisLabelsLegendAndEscapedTooltips() {
    String svg =
        Chart.categorical("P <&>", "CPU frequency (MHz)", "power (mW)", List.of("102", "1479"))
            .add(Chart.Series.bars("cpu rail", "#f00", new double[] {100, Double.NaN}))
            .svg();
    assertThat(svg)
        .startsWith("<svg")
        .endsWith("</svg>")
        .contains("CPU frequency (MHz)")
        .contains("power (mW)")
        .contains("cpu rail")
        .contains("P &lt;&amp;&gt;")
        .doesNotContain("NaN");
    assertThat(svg.split("<rect").length - 1)
        .isGreaterThanOrEqualTo(3); // background, legend, one bar, frame
  }

  @Test
  void settingsReadInTheUnitOfTheirAxis() {
    assertThat(Style.pretty("gpu.freq_hz", "921600000")).isEqualTo("921.6");
    assertThat(Style.pretty("cpu.freq_khz", "1479000")).isEqualTo("1479");
    assertThat(Style.setting("cpu.freq_khz", "307200")).isEqualTo("cpu.freq 307.2 MHz");
    assertThat(Style.axis("gpu.freq_hz")).isEqualTo("GPU frequency (MHz)");
  }
}
