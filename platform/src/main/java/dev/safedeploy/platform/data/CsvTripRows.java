package dev.safedeploy.platform.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * TLC trip records as CSV (optionally gzip-compressed, detected by its magic bytes). Parses bytes directly: no String
 * per field, so a million rows take well under a second of parsing.
 */
final class CsvTripRows implements TripRows {

  @Override
  public void read(Path file, List<String> numericColumns, Handler handler) {
    try (InputStream in = open(file)) {
      LineReader lines = new LineReader(in);
      if (!lines.next()) {
        throw new BadDataException(file, 1, "empty file: no header line");
      }
      List<String> header = new ArrayList<>();
      for (String h : new String(lines.buf, 0, lines.len, StandardCharsets.UTF_8).split(",", -1)) {
        header.add(unquote(h.strip()).replace("\uFEFF", ""));
      }
      int pickupIdx = header.indexOf(TripRows.resolve(PICKUP_COLUMNS, header, file, 1));
      int dropoffIdx = header.indexOf(TripRows.resolve(DROPOFF_COLUMNS, header, file, 1));
      int[] numericIdx = new int[numericColumns.size()];
      for (int i = 0; i < numericIdx.length; i++) {
        numericIdx[i] = header.indexOf(numericColumns.get(i));
        if (numericIdx[i] < 0) {
          throw TripRows.missing(numericColumns.get(i), header, file, 1);
        }
      }
      // which field index feeds which slot: -1 pickup, -2 dropoff, >= 0 numeric slot
      int fields = header.size();
      int[] slot = new int[fields];
      Arrays.fill(slot, Integer.MIN_VALUE);
      slot[pickupIdx] = -1;
      slot[dropoffIdx] = -2;
      for (int i = 0; i < numericIdx.length; i++) {
        slot[numericIdx[i]] = i;
      }
      double[] values = new double[numericColumns.size()];
      long line = 1;
      while (lines.next()) {
        line++;
        if (lines.len == 0 || (lines.len == 1 && lines.buf[0] == '\r')) {
          continue; // blank lines occur in real TLC files (2018 CSVs have one after the header)
        }
        parseRow(lines.buf, lines.len, line, fields, slot, values, handler);
      }
    } catch (ZipException | EOFException e) {
      throw new BadDataException(file, 0, "corrupt or truncated gzip data: " + e.getMessage());
    } catch (IOException e) {
      throw new BadDataException(file, 0, "cannot read: " + e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
    }
    return raw;
  }

  private static void parseRow(byte[] b, int len, long line, int fields, int[] slot, double[] values,
      Handler handler) {
    if (len > 0 && b[len - 1] == '\r') {
      len--;
    }
    long pickup = Long.MIN_VALUE;
    long dropoff = Long.MIN_VALUE;
    int field = 0;
    int start = 0;
    for (int i = 0; i <= len; i++) {
      if (i < len && b[i] != ',') {
        continue;
      }
      if (field >= fields) {
        if (i > start) {
          handler.garbage(line, "expected " + fields + " fields, found more");
          return;
        }
        // trailing empty fields beyond the header: some TLC years end every row with extra commas
        field++;
        start = i + 1;
        continue;
      }
      int s = slot[field];
      if (s != Integer.MIN_VALUE) {
        int from = start;
        int to = i;
        if (to - from >= 2 && b[from] == '"' && b[to - 1] == '"') {
          from++;
          to--;
        }
        if (s >= 0) {
          double v = to == from ? Double.NaN : parseNumber(b, from, to);
          if (v != v && to != from) {
            handler.garbage(line, "not a number in field " + (field + 1) + ": '" + text(b, from, to) + "'");
            return;
          }
          values[s] = v;
        } else {
          long t = to == from ? Long.MIN_VALUE : parseDateTime(b, from, to);
          if (t == Long.MAX_VALUE) {
            handler.garbage(line, "not a date-time in field " + (field + 1) + ": '" + text(b, from, to) + "'");
            return;
          }
          if (s == -1) {
            pickup = t;
          } else {
            dropoff = t;
          }
        }
      }
      field++;
      start = i + 1;
    }
    if (field < fields) {
      handler.garbage(line, "expected " + fields + " fields, found " + field);
      return;
    }
    handler.row(line, pickup, dropoff, values);
  }

  /** Plain decimals ("-12.50", "3", ".5") fast; anything else through Double.parseDouble; NaN when not a number. */
  static double parseNumber(byte[] b, int from, int to) {
    int i = from;
    boolean negative = false;
    if (b[i] == '-' || b[i] == '+') {
      negative = b[i] == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int scale = 0;
    boolean dot = false;
    for (; i < to; i++) {
      byte c = b[i];
      if (c >= '0' && c <= '9') {
        if (digits < 17) {
          mantissa = mantissa * 10 + (c - '0');
          digits += mantissa == 0 ? 0 : 1;
          if (dot) {
            scale++;
          }
        } else if (!dot) {
          return slow(b, from, to);
        }
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        return slow(b, from, to);
      }
    }
    if (to - from == (negative || b[from] == '+' ? 1 : 0) + (dot ? 1 : 0)) {
      return Double.NaN; // "-", ".", "-."
    }
    double v = scale < POW10.length ? mantissa / POW10[scale] : mantissa / Math.pow(10, scale);
    return negative ? -v : v;
  }

  private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
      1e14, 1e15, 1e16, 1e17, 1e18};

  private static double slow(byte[] b, int from, int to) {
    String s = text(b, from, to).strip();
    try {
      double v = Double.parseDouble(s);
      return Double.isFinite(v) ? v : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * "yyyy-MM-dd HH:mm:ss" (also with 'T', fractional seconds, or no seconds) as wall-clock seconds since the epoch;
   * {@link Long#MAX_VALUE} when it is not a date-time.
   */
  static long parseDateTime(byte[] b, int from, int to) {
    if (to - from < 16) {
      return Long.MAX_VALUE;
    }
    int y = num(b, from, 4);
    int mo = num(b, from + 5, 2);
    int d = num(b, from + 8, 2);
    int h = num(b, from + 11, 2);
    int mi = num(b, from + 14, 2);
    int s = to - from >= 19 ? num(b, from + 17, 2) : 0;
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60
        || b[from + 4] != '-' || b[from + 7] != '-' || (b[from + 10] != ' ' && b[from + 10] != 'T')
        || b[from + 13] != ':' || (to - from >= 19 && b[from + 16] != ':')) {
      return Long.MAX_VALUE;
    }
    return TripRows.epochDay(y, mo, d) * 86_400L + h * 3_600L + mi * 60L + s;
  }

  private static int num(byte[] b, int at, int width) {
    int v = 0;
    for (int i = at; i < at + width; i++) {
      int c = b[i] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      v = v * 10 + c;
    }
    return v;
  }

  private static String text(byte[] b, int from, int to) {
    String s = new String(b, from, Math.min(to - from, 60), StandardCharsets.UTF_8);
    return to - from > 60 ? s + "..." : s;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  /** Lines as byte ranges of a reusable buffer. */
  private static final class LineReader {
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    byte[] buf = new byte[512];
    int len;

    LineReader(InputStream in) {
      this.in = in;
    }

    boolean next() throws IOException {
      len = 0;
      boolean any = false;
      while (true) {
        if (pos == limit) {
          limit = in.read(chunk, 0, chunk.length);
          pos = 0;
          if (limit <= 0) {
            limit = 0;
            return any;
          }
        }
        any = true;
        int start = pos;
        while (pos < limit && chunk[pos] != '\n') {
          pos++;
        }
        int n = pos - start;
        if (len + n > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(chunk, start, buf, len, n);
        len += n;
        if (pos < limit) {
          pos++; // the '\n'
          return true;
        }
      }
    }
  }
}
