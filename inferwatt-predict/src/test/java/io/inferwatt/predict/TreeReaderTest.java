package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TreeReader} gives the tree {@code ObjectMapper.readTree} gives, and refuses what it
 * refuses.
 */
class TreeReaderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  @Test
  void sameTreeAsJackson() throws Exception {
    String text =
        "{\"a\": [1, -2, 2147483647, 2147483648, -2147483648, -2147483649, 9223372036854775807,"
            + " 9223372036854775808, -0, 0.5, -0.0, 1e3, 1E-3, 2.5e+10, 1e400, 123456789012],"
            + " \"s\": \"x\\\"y\\\\z\\/\\b\\f\\n\\r\\t\\u00e9\\u263A\\uD83D\\uDE00 é\","
            + " \"t\": true, \"f\": false, \"n\": null, \"o\": {}, \"e\": [],"
            + " \"dup\": 1, \"later\": 2, \"dup\": {\"x\": [[], [{}]]}}  \n";
    assertThat(TreeReader.read(text)).isEqualTo(MAPPER.readTree(text));
    assertThat(TreeReader.read(text).toString()).isEqualTo(MAPPER.readTree(text).toString());
  }

  @Test
  void randomTreesReadBackAsJackson() throws Exception {
    Random r = new Random(7);
    for (int k = 0; k < 300; k++) {
      JsonNode n = random(r, 0);
      for (String text :
          new String[] {
            MAPPER.writeValueAsString(n),
            MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n)
          }) {
        assertThat(TreeReader.read(text)).as(text).isEqualTo(MAPPER.readTree(text));
      }
    }
  }

  @Test
  void refusesWhatIsNotJson() {
    for (String bad :
        new String[] {
          "",
          "nonsense",
          "{",
          "{\"a\" 1}",
          "{\"a\": 1,}",
          "[1,]",
          "[01]",
          "[1.]",
          "[.5]",
          "[1e]",
          "[-]",
          "[+1]",
          "{a: 1}",
          "['a']",
          "[\"a\tb\"]",
          "[\"\\x\"]",
          "[\"\\u12\"]",
          "[\"open]",
          "[NaN]",
          "[tru]",
          "{} {}",
          "[1] x",
          "[" + "[".repeat(300) + "]".repeat(301)
        }) {
      assertThatThrownBy(() -> TreeReader.read(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> TreeReader.read("{\n  \"a\": x}"))
        .hasMessageContaining("line 2, column 8");
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
        double d = Double.longBitsToDouble(r.nextLong());
        return F.numberNode(Double.isFinite(d) ? d : 1.0);
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
      b.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x800) : 0x20 + r.nextInt(0x5f)));
    }
    return b.toString();
  }
}
