package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.io.JsonScanner;
import java.math.BigInteger;

/**
 * Reads a model file's JSON into the tree {@code ObjectMapper.readTree} gives (the same node types:
 * {@code int}, {@code long} or big integers as they fit, other numbers as {@code double}; a later
 * field of the same name replaces an earlier one), without building an {@code ObjectMapper}: its
 * start loaded about 480 classes and, with the parse, cost a {@code predict} about 70 ms of CPU
 * (2026-11-30), most of it before the first node. A model file is mostly long base64 strings (the
 * trees), taken by core's {@link JsonScanner} as substrings of the text. Strict JSON (RFC 8259):
 * anything else, also text after the value, is an {@link IllegalArgumentException} with the line
 * and column.
 */
final class TreeReader implements JsonScanner.Builder<JsonNode> {
  /** Objects and arrays nest at most this deep: deeper is an error, never a stack overflow. */
  static final int MAX_DEPTH = 256;

  private static final JsonScanner.Rules RULES = new JsonScanner.Rules(MAX_DEPTH, true, true);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final TreeReader NODE_BUILDER = new TreeReader();

  private TreeReader() {}

  /** The value {@code text} holds. */
  static JsonNode read(String text) {
    return JsonScanner.read(text, NODE_BUILDER, RULES);
  }

  @Override
  public JsonNode object() {
    return NODES.objectNode();
  }

  @Override
  public boolean put(JsonNode object, String name, JsonNode value) {
    ((ObjectNode) object).set(name, value);
    return true;
  }

  @Override
  public JsonNode array() {
    return NODES.arrayNode();
  }

  @Override
  public void add(JsonNode array, JsonNode value) {
    ((ArrayNode) array).add(value);
  }

  @Override
  public JsonNode string(String s) {
    return NODES.textNode(s);
  }

  @Override
  public JsonNode number(String t, boolean integral) {
    if (!integral) {
      return NODES.numberNode(Double.parseDouble(t));
    }
    int len = t.length() - (t.charAt(0) == '-' ? 1 : 0);
    if (len <= 9) {
      return NODES.numberNode(Integer.parseInt(t));
    }
    if (len <= 18) {
      long v = Long.parseLong(t);
      return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }
    BigInteger v = new BigInteger(t);
    if (v.bitLength() <= 31) {
      return NODES.numberNode(v.intValue());
    }
    return v.bitLength() <= 63 ? NODES.numberNode(v.longValue()) : NODES.numberNode(v);
  }

  @Override
  public JsonNode bool(boolean v) {
    return NODES.booleanNode(v);
  }

  @Override
  public JsonNode nul() {
    return NODES.nullNode();
  }
}
