package io.inferwatt.store;

import io.inferwatt.core.BadInput;

/**
 * The file named as the measurement base cannot serve as one: it is a folder, another process holds
 * it, it is not a DuckDB file or not an inferwatt base, or its schema is newer than this program's.
 * Bad input, not a failure of the program: the user names another file or ends the other process.
 */
final class BadBaseException extends StoreException implements BadInput {
  private static final long serialVersionUID = 1L;

  BadBaseException(String message) {
    super(message);
  }

  BadBaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
