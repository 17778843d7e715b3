/**
 * The few exception types scalinglab throws at its boundaries. Every message names the input, the
 * problem and what to do about it, so a user can fix a run without reading code.
 */
package io.scalinglab.core.error;
