package dev.safedeploy.platform.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * All-numeric CSV (the prepared train/validation/test/baseline files) into one row-major float array, parsed from
 * bytes without a String per value. Empty values become NaN (XGBoost's "missing").
 */
public final class NumericCsv {

  /** {@code values[row * columns + column]}; {@code header} is empty for header-less files. */
  public record Table(List<String> header, int rows, int columns, float[] values) {
    public float get(int row, int column) {
      return values[row * columns + column];
    }
  }

  private NumericCsv() {}

  /**
   * @param hasHeader whether line 1 holds column names
   * @throws BadDataException naming the file and line for a non-number or a row of the wrong width
   */
  public static Table read(Path file, boolean hasHeader) {
    if (!Files.isRegularFile(file)) {
      throw new BadDataException(file, 0, "no such file");
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      byte[] chunk = new byte[1 << 16];
      byte[] line = new byte[256];
      int len = 0;
      long lineNo = 0;
      List<String> header = List.of();
      int columns = -1;
      float[] values = new float[1 << 16];
      int size = 0;
      int rows = 0;
      int n;
      boolean pending = false;
      while (true) {
        n = in.read(chunk);
        int i = 0;
        while (i < Math.max(n, 0) || (n < 0 && pending)) {
          boolean eol;
          if (n < 0) {
            eol = true; // last line without a trailing newline
            pending = false;
          } else {
            byte c = chunk[i++];
            eol = c == '\n';
            if (!eol) {
              if (len == line.length) {
                line = Arrays.copyOf(line, len * 2);
              }
              line[len++] = c;
              pending = true;
              continue;
            }
            pending = false;
          }
          lineNo++;
          int l = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
          len = 0;
          if (lineNo == 1 && hasHeader) {
            header = List.of(new String(line, 0, l, StandardCharsets.UTF_8).replace("\uFEFF", "").split(",", -1));
            columns = header.size();
            continue;
          }
          if (l == 0) {
            continue;
          }
          int fields = 1;
          for (int k = 0; k < l; k++) {
            if (line[k] == ',') {
              fields++;
            }
          }
          if (columns < 0) {
            columns = fields;
          } else if (fields != columns) {
            throw new BadDataException(file, lineNo, "expected " + columns + " values, found " + fields);
          }
          if (size + columns > values.length) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, size + columns));
          }
          int start = 0;
          for (int k = 0; k <= l; k++) {
            if (k < l && line[k] != ',') {
              continue;
            }
            if (k == start) {
              values[size++] = Float.NaN;
            } else {
              double v = CsvTripRows.parseNumber(line, start, k);
              if (v != v) {
                throw new BadDataException(file, lineNo, "not a number in column " + (size % columns + 1) + ": '"
                    + new String(line, start, Math.min(k - start, 60), StandardCharsets.UTF_8) + "'");
              }
              values[size++] = (float) v;
            }
            start = k + 1;
          }
          rows++;
        }
        if (n < 0) {
          break;
        }
      }
      if (rows == 0) {
        throw new BadDataException(file, 0, "no data rows");
      }
      return new Table(header, rows, columns, size == values.length ? values : Arrays.copyOf(values, size));
    } catch (IOException e) {
      throw new BadDataException(file, 0, "cannot read: " + e);
    }
  }

  /** The header of a CSV file (its first line split at commas). */
  public static List<String> header(Path file) {
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = reader.readLine();
      if (first == null) {
        throw new BadDataException(file, 1, "empty file: no header line");
      }
      return new ArrayList<>(List.of(first.replace("\uFEFF", "").strip().split(",", -1)));
    } catch (IOException e) {
      throw new BadDataException(file, 0, "cannot read: " + e);
    }
  }
}
