package io.inferwatt.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.PowerSample;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplesCsvTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("s.csv");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void readsRailsIntegersDecimalsAndGaps() throws Exception {
    Path f = file("t_ns,in_mw,CPU_mw,gpu_mw\n100,4000,1000.5,\n200,4100,1001,2000\n");
    try (SamplesCsv.Reader r = SamplesCsv.open(f)) {
      assertThat(r.rails()).containsExactly("in", "cpu", "gpu");
      PowerSample a = r.next();
      assertThat(a.tNs()).isEqualTo(100);
      assertThat(a.powerMw()[1]).isEqualTo(1000.5);
      assertThat(a.powerMw()[2]).isNaN();
      assertThat(r.next().powerMw()[2]).isEqualTo(2000);
      assertThat(r.hasNext()).isFalse();
    }
  }

  /**
   * Rows of plain integers are read in one pass; the same numbers written otherwise (blanks,
   * decimals, a sign, more digits than the one-pass reader takes) go the general way and give the
   * same samples.
   */
  @Test
  void plainAndGeneralRowsGiveTheSameSamples() throws Exception {
    String plain =
        "t_ns,read_start_ns,read_end_ns,in_mw,gpu_mw\n"
            + "1001300001,1001300001,1001399926,2359,0\n"
            + "1002886553,1002886553,1002987910,100000000,154\n";
    String general =
        "t_ns,read_start_ns,read_end_ns,in_mw,gpu_mw\n"
            + "1001300001 ,1001300001,1001399926,2359.0,0.0\n"
            + "+1002886553,0001002886553,1002987910,100000000.000,0000000000000000154\n";
    List<PowerSample> a = SamplesCsv.readAll(file(plain));
    List<PowerSample> b = SamplesCsv.readAll(file(general));
    assertThat(a).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(a.get(i).tNs()).isEqualTo(b.get(i).tNs());
      assertThat(a.get(i).readStartNs()).isEqualTo(b.get(i).readStartNs());
      assertThat(a.get(i).readEndNs()).isEqualTo(b.get(i).readEndNs());
      assertThat(a.get(i).powerMw()).containsExactly(b.get(i).powerMw());
    }
    assertThat(a.get(1).powerMw()).containsExactly(1e8, 154);
  }

  @Test
  void readTimeColumnsAreOptional() throws Exception {
    Path f = file("t_ns,read_start_ns,read_end_ns,in_mw\n100,90,110,5\n");
    PowerSample s = SamplesCsv.readAll(f).get(0);
    assertThat(s.readStartNs()).isEqualTo(90);
    assertThat(s.readEndNs()).isEqualTo(110);
  }

  @Test
  void writerAndReaderRoundTrip() throws Exception {
    StringWriter out = new StringWriter();
    try (SamplesCsv.Writer w = SamplesCsv.writer(out, List.of("in", "gpu"), true)) {
      w.write(new PowerSample(10, 5, 12, new double[] {4000, Double.NaN}));
      w.write(new PowerSample(20, 15, 22, new double[] {4000.25, 7}));
    }
    assertThat(out.toString())
        .isEqualTo(
            "t_ns,read_start_ns,read_end_ns,in_mw,gpu_mw\n10,5,12,4000,\n20,15,22,4000.25,7\n");
    List<PowerSample> back = SamplesCsv.readAll(file(out.toString()));
    assertThat(back.get(1)).isEqualTo(new PowerSample(20, 15, 22, new double[] {4000.25, 7}));
  }

  @Test
  void unsortedAndDuplicateTimestampsNameTheLine() throws Exception {
    Path f = file("t_ns,in_mw\n100,1\n90,1\n");
    assertThatThrownBy(() -> SamplesCsv.readAll(f))
        .isInstanceOf(FormatException.class)
        .hasMessage(
            f
                + ":3: unsorted timestamp t_ns 90 after 100 (samples must be strictly increasing in time)");
    Path g = file("t_ns,in_mw\n100,1\n100,1\n");
    assertThatThrownBy(() -> SamplesCsv.readAll(g)).hasMessageContaining(":3: duplicate timestamp");
  }

  @Test
  void headerProblemsAreReported() throws Exception {
    assertThatThrownBy(() -> SamplesCsv.readAll(file("time,in_mw\n1,2\n")))
        .hasMessageContaining(":1: column 'time'");
    assertThatThrownBy(() -> SamplesCsv.readAll(file("in_mw\n1\n")))
        .hasMessageContaining("missing column t_ns");
    assertThatThrownBy(() -> SamplesCsv.readAll(file("t_ns\n1\n")))
        .hasMessageContaining("no power column");
    assertThatThrownBy(() -> SamplesCsv.readAll(file(""))).hasMessageContaining("empty");
  }

  @Test
  void malformedRowsAreReported() throws Exception {
    assertThatThrownBy(() -> SamplesCsv.readAll(file("t_ns,in_mw\n1,2,3\n")))
        .hasMessageContaining(":2: expected 2 fields, found 3");
    assertThatThrownBy(() -> SamplesCsv.readAll(file("t_ns,in_mw\nx,2\n")))
        .hasMessageContaining(":2: t_ns 'x' is not an integer");
    assertThatThrownBy(() -> SamplesCsv.readAll(file("t_ns,in_mw\n1,abc\n")))
        .hasMessageContaining(":2: power 'abc' of rail in is not a number");
  }

  @Test
  void aLineLongerThanTheBoundIsOneShortError() throws Exception {
    Path f = dir.resolve("long.csv");
    try (var out = Files.newBufferedWriter(f)) {
      out.write("t_ns,in_mw\n100,5\n200,");
      for (int i = 0; i < 300_000; i++) {
        out.write("1234567");
      }
      out.write("\n");
    }
    try (SamplesCsv.Reader r = SamplesCsv.open(f)) {
      assertThat(r.next().tNs()).isEqualTo(100);
      assertThatThrownBy(r::next)
          .isInstanceOf(FormatException.class)
          .hasMessageStartingWith(f + ":3: line longer than 1 MiB")
          .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }
  }

  @Test
  void aBadFieldIsQuotedShortly() throws Exception {
    Path f = file("t_ns,in_mw\n100," + "x".repeat(5000) + "\n");
    assertThatThrownBy(() -> SamplesCsv.readAll(f))
        .hasMessageContaining(":2: power 'xxxx")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
  }

  @Test
  void gapsAreCountedPerRail() throws Exception {
    Path f = file("t_ns,in_mw,gpu_mw\n100,,5\n200,,\n300,4,6\n");
    try (SamplesCsv.Reader r = SamplesCsv.open(f)) {
      r.forEachRemaining(s -> {});
      assertThat(r.gaps()).containsExactly(2, 1);
      assertThat(r.warnings())
          .anySatisfy(w -> assertThat(w).contains("rail in has 2 empty power fields (gaps)"));
    }
  }

  @Test
  void implausiblePowersAreKeptAndNamedWithFileLineAndRail() throws Exception {
    Path f = file("t_ns,in_mw,gpu_mw\n100,-5000,5\n200,7,1e308\n300,-1,6\n");
    try (SamplesCsv.Reader r = SamplesCsv.open(f)) {
      List<PowerSample> all = new java.util.ArrayList<>();
      r.forEachRemaining(all::add);
      assertThat(all.get(0).powerMw()[0]).isEqualTo(-5000);
      assertThat(r.warnings())
          .anySatisfy(
              w -> assertThat(w).contains("rail in has 2 implausible powers").contains(f + ":2"))
          .anySatisfy(
              w -> assertThat(w).contains("rail gpu has 1 implausible power").contains(f + ":3"));
    }
  }

  @Test
  void aLastLineCutShortIsSkippedAndSaid() throws Exception {
    Path f = file("t_ns,in_mw,gpu_mw\n100,4,5\n200,4");
    try (SamplesCsv.Reader r = SamplesCsv.open(f)) {
      List<PowerSample> all = new java.util.ArrayList<>();
      r.forEachRemaining(all::add);
      assertThat(all).hasSize(1);
      assertThat(r.warnings())
          .anySatisfy(w -> assertThat(w).contains(":3: the last line is cut short"));
    }
    // inside the file the same line is an error
    assertThatThrownBy(() -> SamplesCsv.readAll(file("t_ns,in_mw,gpu_mw\n100,4\n200,4,5\n")))
        .hasMessageContaining(":2: expected 3 fields, found 2");
  }

  @Test
  void decimalsParseExactlyAsJavaDoes() throws Exception {
    String[] values = {
      "3506.5",
      "0.1",
      "7480",
      "-0.0",
      "1e3",
      "12345678901234567",
      "0.3000000000000000444",
      "1.7976931348623157e308",
      "4.9e-324",
      ".5",
      "5.",
      "+2"
    };
    StringBuilder b = new StringBuilder("t_ns,in_mw\n");
    for (int i = 0; i < values.length; i++) {
      b.append(i + 1).append(',').append(values[i]).append('\n');
    }
    List<PowerSample> all = SamplesCsv.readAll(file(b.toString()));
    for (int i = 0; i < values.length; i++) {
      assertThat(all.get(i).powerMw()[0]).as(values[i]).isEqualTo(Double.parseDouble(values[i]));
    }
  }
}
