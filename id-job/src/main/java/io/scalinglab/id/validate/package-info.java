/**
 * The validation of the estimators on data of known dimension: the table of id-job/README.md, which
 * {@code scalinglab id --validate} reproduces ({@link io.scalinglab.id.validate.Validation}).
 */
package io.scalinglab.id.validate;
