package io.inferwatt.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every fitted model of one board: per layer type, latency and power per rail (and energy per rail,
 * power × latency or a model of its own, whichever cross-validated better); and the network-level
 * models, what a network's measured latency and energy add to the sum over its layers (the gaps
 * between layers and the unattributed tail, in ms and mJ: additive, so that a network unlike the
 * training set's cannot multiply its layers' sum). Targets are named {@code latency}, {@code
 * power:<rail>} and {@code energy:<rail>}.
 *
 * @param board the board the training runs were measured on
 * @param rails the rails predicted, as the board's power source names them
 * @param totalRail the board's total rail
 * @param space the input features
 * @param types per layer type, its rows and target models
 * @param skipped layer types left out for too few rows, with their row counts
 * @param network the network-level gap models (targets {@code latency} and {@code energy:<rail>})
 * @param minRows the fewest rows a layer type needs
 */
public record ModelSet(
    String board,
    List<String> rails,
    String totalRail,
    FeatureSpace space,
    Map<String, TypeModels> types,
    Map<String, Integer> skipped,
    Map<String, TargetModel> network,
    int minRows) {

  /**
   * The version of the serialized form (3: the rows gained the host's work per inference and its
   * ratio to the other layers' time, {@link FeatureSpace#HOST}).
   */
  public static final int FORMAT = 3;

  /** Writes a set; in a holder so that reading one ({@link #fromJson}) does not start it. */
  private static final class Writer {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  public ModelSet {
    rails = List.copyOf(rails);
    types = new TreeMap<>(types);
    skipped = new TreeMap<>(skipped);
    network = new LinkedHashMap<>(network);
  }

  /** The models of one layer type. */
  record TypeModels(int rows, Map<String, TargetModel> targets) {
    TypeModels {
      targets = new LinkedHashMap<>(targets);
    }
  }

  /** The setting keys the models take, with the value used when a prediction does not set one. */
  public Map<String, String> defaults() {
    return space.defaults();
  }

  /** The layer types modelled. */
  public List<String> layerTypes() {
    return new ArrayList<>(types.keySet());
  }

  /** The chosen learner per layer type and target, {@code type/target=learner}, comma-separated. */
  public String learners() {
    List<String> out = new ArrayList<>();
    types.forEach(
        (t, m) -> m.targets().forEach((k, v) -> out.add(t + "/" + k + "=" + v.learner())));
    return String.join(",", out);
  }

  /** The serialized set (JSON), the body of a stored model and of an exported file. */
  public String toJson() {
    ObjectNode o = Writer.JSON.createObjectNode();
    o.put("format", FORMAT);
    o.put("kind", "inferwatt-models");
    o.put("board", board);
    rails.forEach(o.putArray("rails")::add);
    o.put("total_rail", totalRail);
    o.put("min_rows", minRows);
    o.set("features", space.toJson());
    ObjectNode ts = o.putObject("types");
    types.forEach(
        (t, m) -> {
          ObjectNode n = ts.putObject(t);
          n.put("rows", m.rows());
          ObjectNode tg = n.putObject("targets");
          m.targets().forEach((k, v) -> tg.set(k, v.toJson()));
        });
    ObjectNode sk = o.putObject("skipped");
    skipped.forEach(sk::put);
    ObjectNode net = o.putObject("network");
    network.forEach((k, v) -> net.set(k, v.toJson()));
    try {
      return Writer.JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a serialized set.
   *
   * @throws BadInputException when {@code text} is not one
   */
  public static ModelSet fromJson(String text, String source) {
    JsonNode o;
    try {
      o = TreeReader.read(text);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(source + " is not an inferwatt model file: " + e.getMessage());
    }
    if (o == null || !o.isObject() || !"inferwatt-models".equals(o.path("kind").asText())) {
      throw new BadInputException(
          source + " is not an inferwatt model file (no \"kind\": \"inferwatt-models\")");
    }
    if (o.path("format").asInt() != FORMAT) {
      throw new BadInputException(
          source
              + " has model format "
              + o.path("format").asText()
              + "; this inferwatt reads format "
              + FORMAT
              + " (fit again with this inferwatt)");
    }
    try {
      List<String> rails = new ArrayList<>();
      o.get("rails").forEach(r -> rails.add(r.asText()));
      Map<String, TypeModels> types = new TreeMap<>();
      o.get("types")
          .fields()
          .forEachRemaining(
              e -> {
                Map<String, TargetModel> targets = new LinkedHashMap<>();
                e.getValue()
                    .get("targets")
                    .fields()
                    .forEachRemaining(
                        t -> targets.put(t.getKey(), TargetModel.fromJson(t.getValue())));
                types.put(e.getKey(), new TypeModels(e.getValue().get("rows").asInt(), targets));
              });
      Map<String, Integer> skipped = new TreeMap<>();
      o.get("skipped")
          .fields()
          .forEachRemaining(e -> skipped.put(e.getKey(), e.getValue().asInt()));
      Map<String, TargetModel> network = new LinkedHashMap<>();
      o.get("network")
          .fields()
          .forEachRemaining(e -> network.put(e.getKey(), TargetModel.fromJson(e.getValue())));
      return new ModelSet(
          o.get("board").asText(),
          rails,
          o.get("total_rail").asText(),
          FeatureSpace.fromJson(o.get("features")),
          types,
          skipped,
          network,
          o.get("min_rows").asInt());
    } catch (RuntimeException e) {
      throw new BadInputException(
          source + " is not a readable inferwatt model file: " + e.getMessage());
    }
  }
}
