/**
 * Confidence calibration and its pictures: temperature scaling fitted on validation log-scores (Guo
 * et al. 2017), stored as {@code calibration.json} beside an adapter, and PNG charts drawn with
 * JFreeChart (reliability diagram, confusion-matrix heat map). Metric definitions (ECE, confusion
 * matrix) live in {@code scoring}; no model or tensor code lives here.
 */
package dev.qcat.inference.calibration;
