package dev.safedeploy.starter;

import dev.safedeploy.starter.fake.TemporalFixture;
import dev.safedeploy.worker.temporal.RealTemporal;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.testing.FakeBackend;

/**
 * The same CLI scenarios on the real Temporal server (`temporal server start-dev`): the visibility query behind
 * {@code list}, updates and signals through the real frontend, sticky execution on.
 */
class RealServerCliTest extends RealWorkflowCliTest {

  @Override
  TemporalFixture fixture(FakeBackend fake) {
    return RealTemporal.fixture(SafeDeploymentWorkflowImpl.class, fake);
  }
}
