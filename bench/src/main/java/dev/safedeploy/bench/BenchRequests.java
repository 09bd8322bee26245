package dev.safedeploy.bench;

import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Requests and policies the benchmarks share. */
final class BenchRequests {

  static final String REQUESTER = "bench-requester";
  static final String APPROVER = "bench-approver";

  private BenchRequests() {}

  /** CANARY with zero-length bakes and no watch window: the run goes through every step without waiting. */
  static DeploymentPolicy zeroBakes() {
    return bakes(Duration.ZERO);
  }

  /** Canary bakes of {@code bake} (10% and the final one), no watch window. */
  static DeploymentPolicy bakes(Duration bake) {
    return DeploymentPolicy.builder()
        .strategy(Strategy.CANARY)
        .bake(bake)
        .finalBake(bake)
        .watchWindow(Duration.ZERO)
        .alarmPollInterval(Duration.ofSeconds(1))
        .approvalTimeout(Duration.ofHours(1))
        .reminderInterval(Duration.ofHours(1))
        .approvers(List.of(APPROVER))
        .build();
  }

  /** A request whose data nobody reads (the instant backend answers without it). */
  static PipelineRequest instant(String model, String version, DeploymentPolicy policy) {
    String dir = "file:///bench/" + model + "/" + version + "/";
    return new PipelineRequest(model, version,
        new DataLocations(dir + "train.csv", dir + "validation.csv", dir + "test.csv", dir + "baseline.csv"),
        Map.of(), REQUESTER, policy).validated();
  }
}
