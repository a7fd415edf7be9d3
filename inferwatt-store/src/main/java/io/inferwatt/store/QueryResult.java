package io.inferwatt.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The result of an ad-hoc SQL query, every value as text for display.
 *
 * @param columns column names, in order
 * @param types DuckDB type names of the columns ({@code BIGINT}, {@code DOUBLE}, ...)
 * @param rows rows of values in column order; a SQL NULL is {@code null}
 */
public record QueryResult(List<String> columns, List<String> types, List<List<String>> rows) {

  public QueryResult {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    List<List<String>> copy = new ArrayList<>(rows.size());
    for (List<String> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "row has " + row.size() + " values for " + columns.size() + " columns: " + row);
      }
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copy);
  }
}
