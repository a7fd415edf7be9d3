package io.inferwatt.core;

/**
 * Bad input: the message says what is wrong, where, and what to do instead. It extends {@link
 * IllegalArgumentException} so that code that validates with that type keeps catching it; a plain
 * {@code IllegalArgumentException} is not bad input (the command line treats it as a bug).
 */
public class BadInputException extends IllegalArgumentException implements BadInput {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
