package io.inferwatt.core.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forms a model's name takes, parsed in one place: a catalogue network ({@code mobilenetv2}),
 * its first N layers ({@code NET-prefixN}), its layer I alone ({@code NET-layerI}), or one
 * convolution ({@code conv-kK-sS-cINxOUT-HxW}). Parsing says only which form a name has; whether
 * {@code NET} is a known network is the catalogue's business.
 */
public sealed interface ModelName {

  /** The name as written. */
  String name();

  /** A catalogue network by name. */
  record Network(String network) implements ModelName {
    @Override
    public String name() {
      return network;
    }
  }

  /** The first {@code layers} layers of {@code network}. */
  record Prefix(String network, int layers) implements ModelName {
    @Override
    public String name() {
      return network + "-prefix" + layers;
    }
  }

  /** Layer {@code index} of {@code network} alone (0 is its input reformat). */
  record Layer(String network, int index) implements ModelName {
    @Override
    public String name() {
      return network + "-layer" + index;
    }
  }

  /** One convolution: square kernel, stride, channels in and out, input height and width. */
  record Conv(int kernel, int stride, int inChannels, int outChannels, int height, int width)
      implements ModelName {
    @Override
    public String name() {
      return "conv-k"
          + kernel
          + "-s"
          + stride
          + "-c"
          + inChannels
          + "x"
          + outChannels
          + "-"
          + height
          + "x"
          + width;
    }
  }

  /** How the forms are written, for messages. */
  String FORMS = "NET, NET-prefixN, NET-layerI or conv-kK-sS-cINxOUT-HxW";

  /** A number too long for an int is not a name of any form. */
  Pattern CONV =
      Pattern.compile("conv-k(\\d{1,9})-s(\\d{1,9})-c(\\d{1,9})x(\\d{1,9})-(\\d{1,9})x(\\d{1,9})");

  /** {@code NET-prefixN}. */
  Pattern PREFIX = Pattern.compile("([a-z0-9]+)-prefix(\\d{1,9})");

  /** {@code NET-layerI}. */
  Pattern LAYER = Pattern.compile("([a-z0-9]+)-layer(\\d{1,9})");

  /** {@code NET}. */
  Pattern NETWORK = Pattern.compile("[a-z0-9]+");

  /** The form of {@code name}, or empty when it has none of them. */
  static Optional<ModelName> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    Matcher m = CONV.matcher(name);
    if (m.matches()) {
      return Optional.of(new Conv(i(m, 1), i(m, 2), i(m, 3), i(m, 4), i(m, 5), i(m, 6)));
    }
    m = PREFIX.matcher(name);
    if (m.matches()) {
      return Optional.of(new Prefix(m.group(1), i(m, 2)));
    }
    m = LAYER.matcher(name);
    if (m.matches()) {
      return Optional.of(new Layer(m.group(1), i(m, 2)));
    }
    if (NETWORK.matcher(name).matches()) {
      return Optional.of(new Network(name));
    }
    return Optional.empty();
  }

  private static int i(Matcher m, int group) {
    return Integer.parseInt(m.group(group));
  }
}
