package io.inferwatt.cli;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work a command handed to a thread of its own. */
final class Futures {

  private Futures() {}

  /**
   * The result of {@code f}, waiting until it is done even when interrupted (the work may hold a
   * file or a transaction: it ends first; the interrupt is kept). Its failure comes out as it was
   * thrown on the other thread.
   */
  static <T> T await(Future<T> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error er) {
            throw er;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
