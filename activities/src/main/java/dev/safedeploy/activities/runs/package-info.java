/** What activities of any backend read of past pipeline runs from the Temporal server (their requests). */
package dev.safedeploy.activities.runs;
