package io.inferwatt.predict;

/**
 * A fitted model and its out-of-fold predictions (each row predicted by the model fitted without
 * its fold).
 */
record Fit<R extends Regressor>(R model, double[] outOfFold) {}
