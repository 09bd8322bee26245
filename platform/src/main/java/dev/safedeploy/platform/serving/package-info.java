/**
 * Serving: model servers honouring the SageMaker inference container contract, the weighted router in front of them,
 * per-variant invocation metrics, and data capture in SageMaker's JSON-lines format.
 */
package dev.safedeploy.platform.serving;
