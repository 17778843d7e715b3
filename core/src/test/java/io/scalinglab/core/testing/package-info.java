/** Test support shared by every module's tests: the shared data folder and an in-JVM HDFS. */
package io.scalinglab.core.testing;
