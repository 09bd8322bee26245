package dev.safedeploy.starter.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;
import io.grpc.stub.StreamObserver;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.internal.common.SearchAttributesUtil;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code list} on a server with advanced visibility: the query it sends and how it reads the answer. The embedded test
 * server cannot answer visibility queries, so a minimal in-process WorkflowService plays that server.
 */
class RunListVisibilityTest {

  @Test
  @SuppressWarnings("deprecation")
  void aRealServerGetsTheVisibilityQueryAndItsSearchAttributesAreRead() {
    List<String> queries = new ArrayList<>();
    WorkflowServiceGrpc.WorkflowServiceImplBase server = new WorkflowServiceGrpc.WorkflowServiceImplBase() {
      @Override
      public void getSystemInfo(GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> out) {
        out.onNext(GetSystemInfoResponse.getDefaultInstance());
        out.onCompleted();
      }

      @Override
      public void listWorkflowExecutions(ListWorkflowExecutionsRequest request,
          StreamObserver<ListWorkflowExecutionsResponse> out) {
        queries.add(request.getNamespace() + "|" + request.getQuery());
        out.onNext(ListWorkflowExecutionsResponse.newBuilder()
            .addExecutions(info("deploy-taxi-v1", 100, Stage.DONE, Outcome.ROLLED_BACK))
            .addExecutions(info("deploy-taxi-v2", 200, Stage.DONE, Outcome.ROLLED_BACK))
            .build());
        out.onCompleted();
      }
    };
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newInstance(server,
        WorkflowServiceStubsOptions.newBuilder().build());
    try {
      RunService runs = new RunService(WorkflowClient.newInstance(stubs,
          WorkflowClientOptions.newBuilder().setNamespace("prod").build()));
      RunList list = runs.list(new RunFilter("taxi", null, Outcome.ROLLED_BACK));
      assertThat(queries).containsExactly("prod|WorkflowType = 'SafeDeploymentWorkflow' AND "
          + SearchAttributes.MODEL.getName() + " = 'taxi' AND " + SearchAttributes.OUTCOME.getName() + " = 'ROLLED_BACK'");
      assertThat(list.source()).isEqualTo("visibility-query");
      assertThat(list.runs()).extracting(RunSummary::workflowId).containsExactly("deploy-taxi-v2", "deploy-taxi-v1");
      RunSummary newest = list.runs().get(0);
      assertThat(newest.model()).isEqualTo("taxi");
      assertThat(newest.version()).isEqualTo("v2");
      assertThat(newest.stage()).isEqualTo("DONE");
      assertThat(newest.outcome()).isEqualTo("ROLLED_BACK");
      assertThat(newest.executionStatus()).isEqualTo("COMPLETED");
    } finally {
      stubs.shutdownNow();
    }
  }

  private static WorkflowExecutionInfo info(String id, long startSeconds, Stage stage, Outcome outcome) {
    String version = id.substring(id.lastIndexOf('-') + 1);
    return WorkflowExecutionInfo.newBuilder()
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id).setRunId("run-" + version))
        .setType(WorkflowType.newBuilder().setName("SafeDeploymentWorkflow"))
        .setStatus(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)
        .setStartTime(Timestamp.newBuilder().setSeconds(startSeconds))
        .setSearchAttributes(SearchAttributesUtil.encodeTyped(io.temporal.common.SearchAttributes.newBuilder()
            .set(SearchAttributes.MODEL, "taxi").set(SearchAttributes.VERSION, version)
            .set(SearchAttributes.STAGE, stage.name()).set(SearchAttributes.OUTCOME, outcome.name()).build()))
        .build();
  }
}
