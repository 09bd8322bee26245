package dev.safedeploy.activities.aws;

import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;

/** Resources made directly with the SDK in moto, for tests of adapters that use (not create) them. */
public final class MotoFixtures {

  private MotoFixtures() {}

  /** An InService endpoint with the given variants (weights as given), each serving model {@code taxi-<variant>}. */
  public static void endpoint(SageMakerClient sm, String name, String blue, float blueWeight, String green,
      float greenWeight) {
    for (String v : new String[] {blue, green}) {
      if (v != null) {
        sm.createModel(b -> b.modelName("taxi-" + v).executionRoleArn(MotoServer.ROLE)
            .primaryContainer(c -> c.image("i").modelDataUrl("s3://a/" + v + "/model.tar.gz")));
      }
    }
    ProductionVariant b = ProductionVariant.builder().variantName(blue).modelName("taxi-" + blue)
        .initialInstanceCount(1).instanceType("ml.m5.large").initialVariantWeight(blueWeight).build();
    ProductionVariant g = green == null ? null : ProductionVariant.builder().variantName(green)
        .modelName("taxi-" + green).initialInstanceCount(1).instanceType("ml.m5.large")
        .initialVariantWeight(greenWeight).build();
    sm.createEndpointConfig(c -> c.endpointConfigName(name + "-config")
        .productionVariants(g == null ? new ProductionVariant[] {b} : new ProductionVariant[] {b, g}));
    sm.createEndpoint(e -> e.endpointName(name).endpointConfigName(name + "-config"));
  }
}
