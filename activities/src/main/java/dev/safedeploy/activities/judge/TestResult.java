package dev.safedeploy.activities.judge;

/**
 * One hypothesis test of green against blue.
 *
 * @param test which test ran (its p-values' method is part of the evidence)
 * @param statistic the test's statistic (U of green, W+ of green − blue, z, or green's error count for Fisher)
 * @param pTwoSided p-value against "green and blue differ"
 * @param pGreenWorse one-sided p-value against "green is larger" (slower, or more errors)
 */
public record TestResult(String test, double statistic, double pTwoSided, double pGreenWorse) {}
