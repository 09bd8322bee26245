package dev.safedeploy.platform.serving;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.safedeploy.platform.training.XgbPredictor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One variant's model server on its own loopback port, honouring the SageMaker inference container contract:
 * {@code GET /ping} 200 once the model is loaded, {@code POST /invocations} text/csv or application/json.
 *
 * <p>Status codes: 400 for a body that cannot be read (malformed, empty, unsupported type, over the size limit,
 * rows of differing widths) and for rows whose width is not the endpoint's input contract (the caller's mistake:
 * counted as 4XX, never toward a 5XX alarm, so a bad client cannot roll back a good model); 500 when the model
 * cannot predict rows of the contract's width, including a model trained on another feature layout: live traffic's
 * layout is the contract, and a model that cannot take it is broken (SageMaker counts ModelError as 5XX).
 */
public final class ModelServer implements AutoCloseable {
  /**
   * Set by the router on a token holder's call to one variant: rows of the model's own width are taken besides rows
   * of the endpoint's contract (the pre-traffic hook tests a new version with its own sample rows).
   */
  public static final String OWN_LAYOUT = "X-Safedeploy-Own-Layout";
  private static final Logger log = LoggerFactory.getLogger(ModelServer.class);

  private final String label;
  private final XgbPredictor predictor;
  private final HttpServer server;
  private final int maxPayloadBytes;
  private final IntSupplier inputWidth;

  private ModelServer(String label, XgbPredictor predictor, HttpServer server, int maxPayloadBytes,
      IntSupplier inputWidth) {
    this.label = label;
    this.predictor = predictor;
    this.server = server;
    this.maxPayloadBytes = maxPayloadBytes;
    this.inputWidth = inputWidth;
  }

  /** A server whose input contract is its own model's width (benchmarks, a server alone). */
  public static ModelServer start(String label, Path artifact, String bindHost, Executor executor,
      int maxPayloadBytes) throws IOException {
    return start(label, artifact, bindHost, executor, maxPayloadBytes, () -> 0);
  }

  /**
   * Loads the artifact and starts serving.
   *
   * @param inputWidth the endpoint's input contract (row width) at the time of each request; 0 or less: the model's
   *     own width
   * @throws dev.safedeploy.platform.training.ModelLoadException when the artifact does not load
   */
  public static ModelServer start(String label, Path artifact, String bindHost, Executor executor,
      int maxPayloadBytes, IntSupplier inputWidth) throws IOException {
    XgbPredictor predictor = XgbPredictor.load(artifact);
    HttpServer server;
    try {
      HttpExchanges.noDelay();
      server = HttpServer.create(new InetSocketAddress(bindHost, 0), 128);
    } catch (IOException e) {
      predictor.close();
      throw e;
    }
    ModelServer ms = new ModelServer(label, predictor, server, maxPayloadBytes, inputWidth);
    server.createContext("/ping", ms::ping);
    server.createContext("/invocations", ms::invocations);
    server.setExecutor(executor);
    server.start();
    log.info("model server {} serving {} ({} features) on {}", label, artifact, predictor.featureCount(),
        ms.uri());
    return ms;
  }

  public URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  public int featureCount() {
    return predictor.featureCount();
  }

  private void ping(HttpExchange ex) throws IOException {
    HttpExchanges.sendText(ex, 200, "");
  }

  private void invocations(HttpExchange ex) throws IOException {
    try {
      String tooLarge = HttpExchanges.headersTooLarge(ex);
      if (tooLarge != null) {
        HttpExchanges.sendText(ex, 431, tooLarge);
        return;
      }
      if (!"POST".equals(ex.getRequestMethod())) {
        HttpExchanges.sendText(ex, 405, "POST only");
        return;
      }
      String type = Payloads.mediaType(ex.getRequestHeaders().getFirst("Content-Type"));
      float[][] rows;
      try {
        rows = Payloads.parse(type, HttpExchanges.readBody(ex, maxPayloadBytes));
      } catch (BadPayloadException | HttpExchanges.TooLargeException e) {
        HttpExchanges.sendText(ex, 400, e.getMessage());
        return;
      }
      String misfit = misfit(rows, ex.getRequestHeaders().getFirst(OWN_LAYOUT) != null);
      if (misfit != null) {
        HttpExchanges.sendText(ex, 400, misfit);
        return;
      }
      float[] predictions;
      try {
        predictions = predictor.predict(rows);
      } catch (RuntimeException e) {
        HttpExchanges.sendText(ex, 500, "model " + label + " failed to predict: " + e.getMessage());
        return;
      }
      HttpExchanges.send(ex, 200, Payloads.JSON.equals(type) ? Payloads.JSON : Payloads.CSV,
          Payloads.format(type, predictions));
    } catch (IOException | RuntimeException e) {
      log.debug("model server {}: exchange failed: {}", label, e.toString());
      HttpExchanges.fail(ex, 500, "model server " + label + " failed: " + e);
    }
  }

  /** Why the rows are the caller's mistake (ragged, or not the endpoint's width); null when they fit. */
  private String misfit(float[][] rows, boolean ownLayout) {
    int width = rows[0].length;
    for (int i = 1; i < rows.length; i++) {
      if (rows[i].length != width) {
        return "row " + (i + 1) + " has " + rows[i].length + " values, row 1 has " + width
            + "; every row must have the same values";
      }
    }
    int contract = inputWidth.getAsInt();
    if (contract <= 0) {
      contract = predictor.featureCount();
    }
    if (width == contract || (ownLayout && width == predictor.featureCount())) {
      return null; // rows of the contract's width the model cannot take are the model's error, answered 500
    }
    int slash = label.indexOf('/');
    String who = slash > 0 ? "endpoint " + label.substring(0, slash) : "model server " + label;
    return "rows have " + width + " values; " + who + " takes rows of " + contract
        + " feature values (no target column)" + (ownLayout && contract != predictor.featureCount()
            ? ", this variant's model " + predictor.featureCount() : "");
  }

  @Override
  public void close() {
    server.stop(0);
    predictor.close();
  }
}
