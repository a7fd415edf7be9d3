package io.inferwatt.engines.sim;

import io.inferwatt.core.BadInputException;
import io.inferwatt.hardware.Knob;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** One setting of the virtual board: a fixed list of allowed values, read back from the board. */
final class NanoKnob implements Knob {

  private final String name;
  private final String unit;
  private final List<String> allowed;
  private final Supplier<String> reader;
  private final Consumer<String> writer;

  NanoKnob(
      String name,
      String unit,
      List<String> allowed,
      Supplier<String> reader,
      Consumer<String> writer) {
    this.name = name;
    this.unit = unit;
    this.allowed = List.copyOf(allowed);
    this.reader = reader;
    this.writer = writer;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String read() {
    return reader.get();
  }

  @Override
  public List<String> allowed() {
    return allowed;
  }

  @Override
  public void apply(String value) {
    String v = value == null ? null : value.trim();
    if (v == null || !allowed.contains(v)) {
      throw new BadInputException(
          name
              + " "
              + value
              + (unit.isEmpty() ? "" : " " + unit)
              + " is not one of "
              + String.join(", ", allowed));
    }
    writer.accept(v);
    if (!read().equals(v)) {
      throw new IllegalStateException(name + " did not take " + v + "; it reads " + read());
    }
  }

  @Override
  public String toString() {
    return name + "=" + read();
  }
}
