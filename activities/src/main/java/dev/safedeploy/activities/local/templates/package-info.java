/** CloudFormation templates on the classpath: parsing with short-form intrinsics, and structural checks. */
package dev.safedeploy.activities.local.templates;
