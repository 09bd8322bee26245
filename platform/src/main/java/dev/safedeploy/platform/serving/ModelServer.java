package dev.safedeploy.platform.serving;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.safedeploy.platform.training.XgbPredictor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One variant's model server on its own loopback port, honouring the SageMaker inference container contract:
 * {@code GET /ping} 200 once the model is loaded, {@code POST /invocations} text/csv or application/json.
 *
 * <p>Status codes: 400 for a body that cannot be read (malformed, empty, unsupported type, over the size limit);
 * 500 when the model cannot predict the rows it was given, including rows of a width the model was not trained on.
 * The width case is a model error on purpose: live traffic's feature layout is the contract, and a model that cannot
 * take it is broken (SageMaker surfaces container errors as ModelError and counts them as 5XX).
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelServer.class);

  private final String label;
  private final XgbPredictor predictor;
  private final HttpServer server;
  private final int maxPayloadBytes;

  private ModelServer(String label, XgbPredictor predictor, HttpServer server, int maxPayloadBytes) {
    this.label = label;
    this.predictor = predictor;
    this.server = server;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /**
   * Loads the artifact and starts serving.
   *
   * @throws dev.safedeploy.platform.training.ModelLoadException when the artifact does not load
   */
  public static ModelServer start(String label, Path artifact, String bindHost, Executor executor,
      int maxPayloadBytes) throws IOException {
    XgbPredictor predictor = XgbPredictor.load(artifact);
    HttpServer server;
    try {
      HttpExchanges.noDelay();
      server = HttpServer.create(new InetSocketAddress(bindHost, 0), 128);
    } catch (IOException e) {
      predictor.close();
      throw e;
    }
    ModelServer ms = new ModelServer(label, predictor, server, maxPayloadBytes);
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
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    predictor.close();
  }
}
