/**
 * The scalinglab configuration: HOCON layered as {@code reference.conf} ← config files ← {@code
 * --set key=value}, checked for unknown keys and bad values, and parsed into immutable records.
 *
 * <p>{@link io.scalinglab.core.config.ScalinglabConfig#load} is the entry point. Every key is
 * declared once, with its default and meaning, in {@code reference.conf}; records read their keys
 * through {@link io.scalinglab.core.config.Settings}, which formats every error as {@code '<value>'
 * in <key> is invalid: <why> (<file>:<line>)} and records what was read, so a test can prove that
 * the file and the records declare the same keys.
 */
package io.scalinglab.core.config;
