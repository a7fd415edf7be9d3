package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonText} writes what Jackson's default pretty printer writes, byte for byte. */
class JsonTextTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static String jackson(JsonNode n) throws Exception {
    return JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
  }

  @Test
  void everyKindOfNodeAsJackson() throws Exception {
    ObjectNode o = F.objectNode();
    o.put("s", "plain");
    o.put("escaped", "q\"b\\s/\b\f\n\r\t\u0001\u001f\u007f é ✓ \ud83d\ude00");
    o.put("i", -7);
    o.put("l", 1L << 40);
    o.put("d", 0.1 + 0.2);
    o.put("small", 1.5e-7);
    o.put("large", 6.02e23);
    o.put("neg0", -0.0);
    o.put("nan", Double.NaN);
    o.put("inf", Double.NEGATIVE_INFINITY);
    o.put("f", 1.25f);
    o.put("big", new BigInteger("123456789012345678901234567890"));
    o.put("dec", new BigDecimal("1.50E+3"));
    o.put("t", true);
    o.putNull("null");
    o.putObject("empty");
    o.putArray("none");
    ArrayNode a = o.putArray("mixed");
    a.add(1).add("x").addNull();
    a.addObject().put("k", 2.0).putObject("deeper").putArray("deepest").add(3).addArray();
    a.addArray().add(F.objectNode()).add(F.arrayNode().add(4));
    o.putObject("o").putObject("p").put("q", "r");
    assertThat(JsonText.pretty(o)).isEqualTo(jackson(o));
    assertThat(JsonText.pretty(F.arrayNode())).isEqualTo(jackson(F.arrayNode()));
    assertThat(JsonText.pretty(F.textNode("x"))).isEqualTo(jackson(F.textNode("x")));
  }

  @Test
  void randomTreesAsJackson() throws Exception {
    Random r = new Random(12);
    for (int k = 0; k < 300; k++) {
      JsonNode n = random(r, 0);
      assertThat(JsonText.pretty(n)).as("tree %d", k).isEqualTo(jackson(n));
    }
  }

  private static JsonNode random(Random r, int depth) {
    int kind = depth > 4 ? 2 + r.nextInt(6) : r.nextInt(8);
    switch (kind) {
      case 0 -> {
        ObjectNode o = F.objectNode();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          o.set(text(r), random(r, depth + 1));
        }
        return o;
      }
      case 1 -> {
        ArrayNode a = F.arrayNode();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(random(r, depth + 1));
        }
        return a;
      }
      case 2 -> {
        return F.textNode(text(r));
      }
      case 3 -> {
        return F.numberNode(Double.longBitsToDouble(r.nextLong()));
      }
      case 4 -> {
        return F.numberNode(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
      }
      case 5 -> {
        return r.nextBoolean() ? F.numberNode(r.nextInt()) : F.numberNode(r.nextLong());
      }
      case 6 -> {
        return F.booleanNode(r.nextBoolean());
      }
      default -> {
        return F.nullNode();
      }
    }
  }

  private static String text(Random r) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      b.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x100) : 0x20 + r.nextInt(0x5f)));
    }
    return b.toString();
  }
}
