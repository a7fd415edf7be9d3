package io.inferwatt.store;

import java.util.List;

/**
 * One step of the schema: the statements that take a measurement base from {@code version - 1} to
 * {@code version}. Applied in one transaction together with its {@code schema_version} row.
 *
 * @param version the schema version this step produces (the first is 1)
 * @param description what the step adds, for people reading {@code schema_version}
 * @param statements DDL statements, run in order
 */
record Migration(int version, String description, List<String> statements) {

  Migration {
    if (version < 1) {
      throw new IllegalArgumentException("migration version must be at least 1, not " + version);
    }
    statements = List.copyOf(statements);
  }
}
