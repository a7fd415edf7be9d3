package io.inferwatt.store;

/**
 * The measurement base could not be opened, read or written. The message names the file, the run or
 * the value at fault; the cause, when there is one, is DuckDB's own error.
 */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
