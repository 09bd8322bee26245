package dev.safedeploy.worker.cli;

import dev.safedeploy.activities.aws.AwsBackend;
import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.local.LocalBackend;
import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.worker.PipelineWorker;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.worker.metrics.PrometheusMetrics;
import dev.safedeploy.workflows.client.TemporalConnection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

@Command(name = "worker", mixinStandardHelpOptions = true,
    header = "Run a worker for SAFEDEPLOY_BACKEND=local|aws against a Temporal server.", description = "A worker for SAFEDEPLOY_BACKEND=local|aws against TEMPORAL_ADDRESS "
    + "(see README for every variable).")
public final class WorkerCommand implements Callable<Integer> {

  @Override
  public Integer call() throws InterruptedException {
    WorkerConfig config = WorkerConfig.fromEnv();
    PrometheusMetrics metrics = PrometheusMetrics.start(config.metricsPort());
    TemporalConnection connection = config.connect(metrics.scope());
    String attributes = connection.ensureSearchAttributes();
    if (attributes != null) {
      System.err.println("safedeploy worker: " + attributes);
    }
    List<Object> activities = config.backend().equals("aws")
        ? AwsBackend.activities(AwsBackendConfig.fromEnv())
        : LocalBackend.activities(new LocalBackendConfig(config.platformUrl(), config.home().resolve("platform"),
            config.gatewayUrl()));
    PipelineWorker worker = PipelineWorker.start(connection.client(), activities);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      connection.close();
      metrics.close();
      stopped.countDown();
    }, "safedeploy-worker-shutdown"));
    System.out.println("safedeploy worker (" + config.backend() + " backend) polling task queue safedeploy on "
        + config.temporalAddress() + " namespace " + config.namespace());
    stopped.await();
    return 0;
  }
}
