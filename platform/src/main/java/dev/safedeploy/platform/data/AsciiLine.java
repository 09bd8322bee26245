package dev.safedeploy.platform.data;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** A reusable ASCII line buffer with the few number formats trip files need: no String or String.format per row. */
final class AsciiLine {
  private byte[] buf;
  private int len;

  AsciiLine(int capacity) {
    buf = new byte[capacity];
  }

  AsciiLine reset() {
    len = 0;
    return this;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  AsciiLine ch(char c) {
    ensure(1);
    buf[len++] = (byte) c;
    return this;
  }

  AsciiLine comma() {
    return ch(',');
  }

  AsciiLine newline() {
    return ch('\n');
  }

  AsciiLine digit(int d) {
    return ch((char) ('0' + d));
  }

  AsciiLine two(int v) {
    return digit(v / 10).digit(v % 10);
  }

  AsciiLine bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  AsciiLine integer(long v) {
    if (v < 0) {
      ch('-');
      v = -v;
    }
    ensure(20);
    int start = len;
    do {
      buf[len++] = (byte) ('0' + (v % 10));
      v /= 10;
    } while (v > 0);
    for (int i = start, j = len - 1; i < j; i++, j--) {
      byte t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
    return this;
  }

  /** Money and miles: always two decimals, like the TLC files. */
  AsciiLine cents(double v) {
    long c = Math.round(v * 100);
    if (c < 0) {
      ch('-');
      c = -c;
    }
    return integer(c / 100).ch('.').two((int) (c % 100));
  }

  /** Up to {@code decimals} decimals, trailing zeros dropped ("12.5", "3", "0.0417"). */
  AsciiLine decimal(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("not a finite number: " + v);
    }
    long scale = 1;
    for (int i = 0; i < decimals; i++) {
      scale *= 10;
    }
    long scaled = Math.round(v * scale);
    if (scaled < 0) {
      ch('-');
      scaled = -scaled;
    }
    integer(scaled / scale);
    long frac = scaled % scale;
    if (frac != 0) {
      ch('.');
      long div = scale / 10;
      while (frac != 0) {
        digit((int) (frac / div));
        frac %= div;
        div /= 10;
      }
    }
    return this;
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(buf, 0, len);
  }

  int length() {
    return len;
  }
}
