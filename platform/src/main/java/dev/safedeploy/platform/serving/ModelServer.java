package dev.safedeploy.platform.serving;

import dev.safedeploy.platform.http.NettyServer;
import dev.safedeploy.platform.http.Request;
import dev.safedeploy.platform.http.Response;
import dev.safedeploy.platform.training.XgbPredictor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One variant's model server on its own loopback port, honouring the SageMaker inference container contract:
 * {@code GET /ping} 200 once the model is loaded, {@code POST /invocations} text/csv or application/json. The router
 * of the same platform calls {@link #invoke} in process (the same answer, without the loopback hop).
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

  /** Bodies up to this size are answered on the I/O thread: a few rows predict in microseconds. */
  public static final int INLINE_BODY_BYTES = 64 * 1024;

  private final String label;
  private final XgbPredictor predictor;
  private final int maxPayloadBytes;
  private final IntSupplier inputWidth;
  private NettyServer server;

  private ModelServer(String label, XgbPredictor predictor, int maxPayloadBytes, IntSupplier inputWidth) {
    this.label = label;
    this.predictor = predictor;
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
    ModelServer ms = new ModelServer(label, predictor, maxPayloadBytes, inputWidth);
    try {
      ms.server = NettyServer.start(bindHost, 0, new NettyServer.Options("model server " + label, maxPayloadBytes,
          INLINE_BODY_BYTES, executor), ms::handle);
    } catch (IOException | RuntimeException e) {
      predictor.close();
      throw e;
    }
    log.info("model server {} serving {} ({} features) on {}", label, artifact, predictor.featureCount(),
        ms.uri());
    return ms;
  }

  public URI uri() {
    return server.uri();
  }

  public int featureCount() {
    return predictor.featureCount();
  }

  private Response handle(Request r) {
    String path = r.path();
    if ("/ping".equals(path)) {
      return Response.text(200, "");
    }
    if (!"/invocations".equals(path)) {
      return Response.text(404, "no such route " + path + " (the container contract: /ping, /invocations)");
    }
    if (!"POST".equals(r.method())) {
      return Response.text(405, "POST only");
    }
    return invoke(r.header("Content-Type"), r.body(), r.header(OWN_LAYOUT) != null);
  }

  /**
   * Answers one invocation body, as {@code POST /invocations} does.
   *
   * @param ownLayout rows of the model's own width are taken besides the contract's ({@link #OWN_LAYOUT})
   */
  public Response invoke(String contentType, byte[] body, boolean ownLayout) {
    String type = Payloads.mediaType(contentType);
    float[][] rows;
    try {
      if (body.length > maxPayloadBytes) {
        throw new BadPayloadException("payload of " + body.length + " bytes exceeds the limit of " + maxPayloadBytes
            + " bytes");
      }
      rows = Payloads.parse(type, body);
    } catch (BadPayloadException e) {
      return Response.text(400, e.getMessage());
    }
    String misfit = misfit(rows, ownLayout);
    if (misfit != null) {
      return Response.text(400, misfit);
    }
    float[] predictions;
    try {
      predictions = predictor.predict(rows);
    } catch (RuntimeException e) {
      log.debug("model server {}: prediction failed: {}", label, e.toString());
      return Response.text(500, "model " + label + " failed to predict: " + e.getMessage());
    }
    return Response.of(200, Payloads.JSON.equals(type) ? Payloads.JSON : Payloads.CSV,
        Payloads.format(type, predictions));
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
    server.close();
    predictor.close();
  }
}
