package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.RetrainActivities;
import dev.safedeploy.workflows.pipeline.DataLocations;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Live v1 trained on /data/v1; data for version V is assembled under /data/V; versions count on from v1. */
public class FakeRetrainActivities implements RetrainActivities {

  public static final Map<String, String> LIVE_HYPERPARAMETERS = Map.of("max_depth", "7");

  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** Versions whose data was assembled: the fake's notion of "had a run". */
  public final List<String> assembled = new CopyOnWriteArrayList<>();
  public volatile boolean nothingLive;
  /** The live version's policy (null: the defaults). */
  public volatile dev.safedeploy.workflows.pipeline.DeploymentPolicy livePolicy;

  static DataLocations data(String dir) {
    return new DataLocations("file:///data/" + dir + "/train.csv", "file:///data/" + dir + "/validation.csv",
        "file:///data/" + dir + "/test.csv", "file:///data/" + dir + "/baseline.csv");
  }

  @Override
  public LiveModel liveModel(String model) {
    calls.add("liveModel " + model);
    if (nothingLive) {
      throw ApplicationFailure.newNonRetryableFailure("nothing of " + model + " serves production",
          Failures.NOT_FOUND);
    }
    return new LiveModel(model, "v1", data("v1"), LIVE_HYPERPARAMETERS, livePolicy);
  }

  @Override
  public String nextVersion(String model) {
    calls.add("nextVersion " + model);
    return VersionNames.nextFree("v1", assembled);
  }

  @Override
  public TrainingData assembleData(DataRequest request) {
    calls.add("assembleData " + request.model() + " " + request.version() + " captured=" + request.useCapturedData());
    if (!assembled.contains(request.version())) {
      assembled.add(request.version());
    }
    return new TrainingData(data(request.version()), request.useCapturedData() ? 42 : 0,
        request.live().data().train() + " refreshed");
  }
}
