/** Small statistics shared by the jobs: the quantiles their bootstrap intervals read. */
package io.scalinglab.core.stats;
