package dev.safedeploy.worker.temporal;

import java.net.URI;

/** The Temporal server a dev or demo process runs against: the temporal CLI's dev server, or the embedded fallback. */
public interface TemporalServer extends AutoCloseable {

  /** host:port of the frontend. */
  String address();

  /** The Web UI's base URL; null when this server has none (the embedded Java test server). */
  URI webUi();

  /** Whether runs survive a restart of this server (the dev server's SQLite file does; memory does not). */
  boolean durable();

  /** One line saying what this server is, for the console. */
  String description();

  /** Stops the server, if this process started it. */
  @Override
  void close();
}
