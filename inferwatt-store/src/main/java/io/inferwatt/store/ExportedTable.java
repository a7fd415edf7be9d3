package io.inferwatt.store;

import java.nio.file.Path;

/**
 * One table written by {@link MeasurementStore#export}.
 *
 * @param table the table's name (also its folder's)
 * @param rows rows written; 0 means the table was empty and no folder was written
 * @param folder the table's folder, holding {@code board=.../study=.../data_0.<ext>} files
 */
public record ExportedTable(String table, long rows, Path folder) {}
