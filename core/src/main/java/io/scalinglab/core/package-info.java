/** What every scalinglab job shares: config, results store, file formats and Spark setup. */
package io.scalinglab.core;
