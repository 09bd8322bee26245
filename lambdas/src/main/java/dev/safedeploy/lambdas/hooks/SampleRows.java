package dev.safedeploy.lambdas.hooks;

import java.util.ArrayList;
import java.util.List;

/**
 * The hooks' test rows, from the {@code SAMPLE_ROWS} setting: header-less CSV feature rows (no target column), one row
 * per line or separated by ';' (a CloudFormation parameter holds no newline comfortably), every field numeric.
 */
public record SampleRows(List<String> rows) {

  public SampleRows {
    rows = List.copyOf(rows);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no sample rows");
    }
  }

  public static SampleRows parse(String setting, String settingName) {
    if (setting == null || setting.isBlank()) {
      throw new IllegalArgumentException(settingName + " is not set: the hook needs sample rows to send");
    }
    List<String> rows = new ArrayList<>();
    String[] parts = setting.split("[;\\r\\n]+");
    for (int i = 0; i < parts.length; i++) {
      String row = parts[i].trim();
      if (row.isEmpty()) {
        continue;
      }
      String[] fields = row.split(",", -1);
      for (int f = 0; f < fields.length; f++) {
        try {
          Double.parseDouble(fields[f].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(settingName + " row " + (rows.size() + 1) + " field " + (f + 1)
              + " is not a number: '" + fields[f].trim() + "' (row '" + row + "')");
        }
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(settingName + " holds no rows");
    }
    return new SampleRows(rows);
  }

  /** The rows as a text/csv request body. */
  public String csv() {
    return String.join("\n", rows) + "\n";
  }

  public int size() {
    return rows.size();
  }
}
