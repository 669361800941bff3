/**
 * ModelVersion aggregate: a base checkpoint plus optional LoRA adapter trained for one taxonomy,
 * its calibration (temperature, threshold) and status. Loading the files is the inference adapter's
 * business ({@code infrastructure.inference}); here are only their paths.
 */
package dev.qcat.domain.model.modelversion;
