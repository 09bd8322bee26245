package dev.safedeploy.workflows.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceNamesTest {

  @Test
  void aDevEndpointsNameGivesBackItsModelAndVersion() {
    assertThat(ResourceNames.ofDevEndpoint(new ResourceNames("nyctaxi", "v2").devEndpoint()))
        .contains(new ResourceNames("nyctaxi", "v2"));
    // a model whose own name holds "-dev-": the last one splits
    assertThat(ResourceNames.ofDevEndpoint("a-dev-b-dev-v1")).contains(new ResourceNames("a-dev-b", "v1"));
    assertThat(ResourceNames.ofDevEndpoint("nyctaxi-prod")).isEmpty();
    assertThat(ResourceNames.ofDevEndpoint("-dev-v1")).isEmpty();
    assertThat(ResourceNames.ofDevEndpoint("nyctaxi-dev-")).isEmpty();
  }
}
