package dev.safedeploy.platform.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SageMaker XGBoost container's payloads: text/csv rows without the target, or application/json as
 * {"instances":[[..],..]} or {"features":[..]}; answers in the request's content type.
 */
public final class Payloads {
  public static final String CSV = "text/csv";
  public static final String JSON = "application/json";
  private static final ObjectMapper MAPPER = JsonMapping.mapper();

  private Payloads() {}

  /** The media type without parameters, lower case; text/csv when absent. */
  public static String mediaType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return CSV;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  public static float[][] parse(String mediaType, byte[] body) {
    if (body.length == 0) {
      throw new BadPayloadException("empty request body");
    }
    return switch (mediaType) {
      case CSV -> parseCsv(body);
      case JSON -> parseJson(body);
      default -> throw new BadPayloadException("unsupported content type '" + mediaType + "' (use " + CSV + " or "
          + JSON + ")");
    };
  }

  static float[][] parseCsv(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    List<float[]> rows = new ArrayList<>();
    int lineNo = 0;
    // lines split by hand: String.split("\r?\n") compiled a regex per request, most of the serving path's garbage
    for (int start = 0, end; start <= text.length(); start = end + 1) {
      end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      float[] row = new float[cells.length];
      for (int c = 0; c < cells.length; c++) {
        String cell = cells[c].trim();
        try {
          row[c] = cell.isEmpty() ? Float.NaN : Float.parseFloat(cell);
        } catch (NumberFormatException e) {
          throw new BadPayloadException("line " + lineNo + ", column " + (c + 1) + ": '" + abbreviate(cell)
              + "' is not a number");
        }
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new BadPayloadException("no rows in the text/csv body");
    }
    return rows.toArray(new float[0][]);
  }

  static float[][] parseJson(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadPayloadException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadPayloadException("unreadable JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadPayloadException("JSON body must be an object with 'instances' or 'features'");
    }
    if (root.has("instances")) {
      JsonNode instances = root.get("instances");
      if (!instances.isArray() || instances.isEmpty()) {
        throw new BadPayloadException("'instances' must be a non-empty array of arrays");
      }
      float[][] rows = new float[instances.size()][];
      for (int i = 0; i < rows.length; i++) {
        JsonNode inst = instances.get(i);
        if (inst.isObject() && inst.has("features")) {
          inst = inst.get("features");
        }
        rows[i] = numbers(inst, "instances[" + i + "]");
      }
      return rows;
    }
    if (root.has("features")) {
      return new float[][] {numbers(root.get("features"), "features")};
    }
    throw new BadPayloadException("JSON body must have 'instances' or 'features'");
  }

  private static float[] numbers(JsonNode node, String where) {
    if (!node.isArray() || node.isEmpty()) {
      throw new BadPayloadException(where + " must be a non-empty array of numbers");
    }
    float[] row = new float[node.size()];
    for (int i = 0; i < row.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isNumber()) {
        throw new BadPayloadException(where + "[" + i + "] is not a number: " + abbreviate(v.toString()));
      }
      row[i] = v.floatValue();
    }
    return row;
  }

  public static byte[] format(String mediaType, float[] predictions) {
    StringBuilder sb = new StringBuilder(predictions.length * 10);
    if (JSON.equals(mediaType)) {
      sb.append("{\"predictions\":[");
      for (int i = 0; i < predictions.length; i++) {
        sb.append(i == 0 ? "" : ",").append("{\"score\":").append(predictions[i]).append('}');
      }
      sb.append("]}");
    } else {
      for (float p : predictions) {
        sb.append(p).append('\n');
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The mean of the predictions in a model server's answer (one row: its prediction), NaN when the answer holds none
   * that parse. For the canary judge's samples; never throws.
   */
  public static double meanPrediction(String contentType, byte[] answer) {
    if (answer == null || answer.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    int n = 0;
    try {
      if (JSON.equals(mediaType(contentType))) {
        JsonNode predictions = MAPPER.readTree(answer).path("predictions");
        for (JsonNode p : predictions) {
          JsonNode score = p.isNumber() ? p : p.path("score");
          if (score.isNumber()) {
            sum += score.doubleValue();
            n++;
          }
        }
      } else {
        for (String line : new String(answer, StandardCharsets.UTF_8).split("\n")) {
          String cell = line.trim();
          if (!cell.isEmpty()) {
            sum += Double.parseDouble(cell);
            n++;
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
