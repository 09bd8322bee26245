package dev.safedeploy.platform.hostile;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** A seeded corpus of hostile bodies: random bytes, near-valid rows, JSON of odd shapes and values. */
final class Fuzz {
  private static final List<String> ATOMS = List.of("0", "-1", "1e999", "-1e999", "NaN", "Infinity", "null", "true",
      "\"x\"", "\"\"", "2147483648", "-9223372036854775809", "0.0000001", "1.5", "\"\\u0000\"", "\"../../etc\"",
      "\"/etc/passwd\"", "[]", "{}", "\"ü\"");
  private static final List<String> FIELDS = List.of("name", "model", "version", "trainPath", "validationPath",
      "artifact", "variants", "weight", "modelName", "endpoint", "metricName", "statistic", "periodSeconds",
      "evaluationPeriods", "datapointsToAlarm", "threshold", "comparisonOperator", "treatMissingData",
      "statisticsPath", "intervalSeconds", "hyperparameters", "dataCapture", "samplingPercent", "x");

  private Fuzz() {}

  static String json(Random r, int depth) {
    int kind = r.nextInt(depth <= 0 ? 2 : 5);
    switch (kind) {
      case 0:
        return ATOMS.get(r.nextInt(ATOMS.size()));
      case 1:
        return "\"" + FIELDS.get(r.nextInt(FIELDS.size())) + r.nextInt(3) + "\"";
      case 2: {
        StringBuilder sb = new StringBuilder("[");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          sb.append(i == 0 ? "" : ",").append(json(r, depth - 1));
        }
        return sb.append(']').toString();
      }
      case 3:
        return new String(bytes(r, r.nextInt(40)), StandardCharsets.ISO_8859_1).replace("\\", "");
      default: {
        StringBuilder sb = new StringBuilder("{");
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
          sb.append(i == 0 ? "" : ",").append('"').append(FIELDS.get(r.nextInt(FIELDS.size() - 1))).append("\":")
              .append(json(r, depth - 1));
        }
        return sb.append('}').toString();
      }
    }
  }

  static byte[] invocation(Random r, String type, String goodRow) {
    switch (r.nextInt(6)) {
      case 0:
        return bytes(r, r.nextInt(200));
      case 1: {
        // rows of random widths and cells
        StringBuilder sb = new StringBuilder();
        int rows = 1 + r.nextInt(4);
        for (int i = 0; i < rows; i++) {
          int w = r.nextInt(6);
          for (int c = 0; c < w; c++) {
            sb.append(c == 0 ? "" : ",").append(ATOMS.get(r.nextInt(ATOMS.size())).replace("\"", ""));
          }
          sb.append(r.nextBoolean() ? "\n" : "\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
      }
      case 2:
        return json(r, 4).getBytes(StandardCharsets.UTF_8);
      case 3: {
        StringBuilder sb = new StringBuilder("{\"instances\":[");
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
          sb.append(i == 0 ? "" : ",").append('[');
          int w = 2 + r.nextInt(3);
          for (int c = 0; c < w; c++) {
            sb.append(c == 0 ? "" : ",").append(r.nextInt(4) == 0 ? ATOMS.get(r.nextInt(ATOMS.size()))
                : Float.toString(r.nextFloat() * 50));
          }
          sb.append(']');
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
      }
      default:
        // the valid shapes, so the corpus proves both answers
        return ("text/csv".equals(type) ? goodRow : "{\"instances\":[[" + goodRow + "]]}")
            .getBytes(StandardCharsets.UTF_8);
    }
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
