import io.inferwatt.core.*;
import io.inferwatt.core.io.*;
import java.io.*;
import java.nio.file.*;
import java.sql.*;

/** Parse time: the samples CSV and events JSONL with inferwatt's readers vs the same data as Parquet read by DuckDB. */
public class BenchFormats {
  static long sink;
  public static void main(String[] a) throws Exception {
    Path s = Path.of(a[0]), e = Path.of(a[1]);
    Path sp = Path.of(a[2], "s.parquet"), ep = Path.of(a[2], "e.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      if (!Files.exists(sp)) {
        st.execute("COPY (SELECT * FROM read_csv('" + s + "')) TO '" + sp + "' (FORMAT parquet)");
        st.execute("COPY (SELECT event, seq, \"index\", name, type, duration_ns, start_ns, end_ns, batch FROM read_json('" + e + "', format='newline_delimited', maximum_object_size=1048576, union_by_name=true, sample_size=-1)) TO '" + ep + "' (FORMAT parquet)");
      }
      System.out.printf("csv %d B, jsonl %d B; parquet %d B + %d B%n", Files.size(s), Files.size(e), Files.size(sp), Files.size(ep));
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        try (SamplesCsv.Reader in = SamplesCsv.open(s)) { while (in.hasNext()) sink += in.next().tNs(); }
        long t1 = System.nanoTime();
        EventSink es = new EventSink() {
          public void inference(InferenceEvent x) { sink += x.seq(); }
          public void layer(long seq, int index, String name, String type, long d, long st0, long line) { sink += d; }
          public void phase(PhaseEvent p) { sink++; }
        };
        try (EventsJsonl.Lines l = EventsJsonl.lines(e.toString(), Files.newInputStream(e), es)) { while (l.next()) { } }
        long t2 = System.nanoTime();
        try (ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + sp + "')")) {
          while (rs.next()) { sink += rs.getLong(1) + rs.getLong(2) + rs.getLong(3); sink += (long) (rs.getDouble(4) + rs.getDouble(5) + rs.getDouble(6)); }
        }
        long t3 = System.nanoTime();
        try (ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + ep + "')")) {
          while (rs.next()) { String ev = rs.getString(1); sink += rs.getLong(2) + rs.getInt(3); String n = rs.getString(4); String ty = rs.getString(5); sink += rs.getLong(6) + rs.getLong(7) + rs.getLong(8) + rs.getInt(9) + ev.length() + (n == null ? 0 : n.length()); }
        }
        long t4 = System.nanoTime();
        System.out.printf("rep %d: csv %.2f s, jsonl %.2f s; parquet samples %.2f s, parquet events %.2f s%n", rep, (t1-t0)/1e9, (t2-t1)/1e9, (t3-t2)/1e9, (t4-t3)/1e9);
      }
    }
    System.out.println(sink == 42 ? "" : "ok");
  }
}
