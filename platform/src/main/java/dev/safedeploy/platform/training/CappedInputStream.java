package dev.safedeploy.platform.training;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it and fails once they pass the limit; closing it leaves the source open. */
final class CappedInputStream extends FilterInputStream {
  /** Thrown when more than the limit was read. */
  static final class OverLimitException extends IOException {
    OverLimitException(String message) {
      super(message);
    }
  }

  private final long limit;
  private final String what;
  private long count;

  CappedInputStream(InputStream in, long limit, String what) {
    super(in);
    this.limit = limit;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    // never ask for more than one byte past the limit, so the overrun is noticed without buffering it
    long room = limit - count + 1;
    int n = super.read(b, off, (int) Math.min(len, Math.max(1, room)));
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(Math.min(n, limit - count + 1));
    count(skipped);
    return skipped;
  }

  private void count(long n) throws OverLimitException {
    count += n;
    if (count > limit) {
      throw new OverLimitException(what);
    }
  }

  @Override
  public void close() {
    // the caller closes the source
  }
}
