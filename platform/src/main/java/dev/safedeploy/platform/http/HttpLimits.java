package dev.safedeploy.platform.http;

/** The limits every server of the platform applies to its clients. */
public final class HttpLimits {
  private HttpLimits() {}

  /** Connections one server holds at once; more are closed on accept. */
  public static final int MAX_CONNECTIONS = 512;
  /** Seconds a client may take from its request's first byte (or its connection) to the end of its headers. */
  public static final int MAX_HEADER_SECONDS = 10;
  /** Seconds from the end of a request's headers to the end of its body, and again to write the answer out. */
  public static final int MAX_RESPONSE_SECONDS = 30;
  /** Seconds a kept-alive connection may wait for its next request. */
  public static final int IDLE_SECONDS = 30;
  /** Headers a request may have, and their total size in bytes; more is answered 431. */
  public static final int MAX_HEADERS = 100;
  public static final int MAX_HEADER_BYTES = 32 * 1024;
  /** The request line (method, target, version); longer is answered 414. */
  public static final int MAX_REQUEST_LINE = 8 * 1024;
  /**
   * An oversized body is read and dropped up to this much, so its client gets the 400 instead of a reset
   * connection; past it the connection is closed after the answer.
   */
  public static final long DISCARD_CAP = 64L << 20;
}
