package io.inferwatt.cli;

import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.store.ExportFormat;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Typed option values: each enum that an option takes, read by the name people type (lower case,
 * {@code fixed-random}) and listed as the option's completion candidates. A value not in the list
 * is a usage error (exit code 2) that names the values there are.
 */
final class Choices {
  private Choices() {}

  /** Converter and completion candidates over the names of {@code E}'s constants. */
  abstract static class Names<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {
    private final E[] values;
    private final Function<E, String> name;

    Names(Class<E> type, Function<E, String> name) {
      this.values = type.getEnumConstants();
      this.name = name;
    }

    @Override
    public E convert(String text) {
      String t = text.strip();
      for (E e : values) {
        if (name.apply(e).equalsIgnoreCase(t)) {
          return e;
        }
      }
      throw new TypeConversionException("'" + text + "' is not one of " + String.join(", ", this));
    }

    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(values).map(name).iterator();
    }

    static String lower(Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code sync}, {@code async}. */
  static final class Modes extends Names<ExecutionMode> {
    Modes() {
      super(ExecutionMode.class, ExecutionMode::id);
    }
  }

  /** {@code black}, {@code fixed-random}, {@code varied}. */
  static final class Inputs extends Names<InputKind> {
    Inputs() {
      super(InputKind.class, InputKind::id);
    }
  }

  /** {@code auto}, {@code window}, {@code paper}. */
  static final class Mappings extends Names<LayerMapping> {
    Mappings() {
      super(LayerMapping.class, Names::lower);
    }
  }

  /** {@code auto}, {@code window}, {@code paper}, {@code prefix}: {@code profile --mapping}. */
  static final class LayerMethods extends Names<LayerMethod> {
    LayerMethods() {
      super(LayerMethod.class, Names::lower);
    }
  }

  /** {@code parquet}, {@code csv}. */
  static final class ExportFormats extends Names<ExportFormat> {
    ExportFormats() {
      super(ExportFormat.class, ExportFormat::id);
    }
  }

  /** {@code none}, {@code summary}, {@code all}. */
  static final class KeepRaws extends Names<KeepRaw> {
    KeepRaws() {
      super(KeepRaw.class, KeepRaw::id);
    }
  }

  /** {@code text}, {@code json}. */
  static final class Outputs extends Names<FormatOption.Output> {
    Outputs() {
      super(FormatOption.Output.class, Names::lower);
    }
  }

  /** {@code text}, {@code csv}, {@code json}: what {@code query} writes. */
  static final class QueryFormats extends Names<QueryCommand.Format> {
    QueryFormats() {
      super(QueryCommand.Format.class, Names::lower);
    }
  }
}
