/**
 * Question and Prediction: what a classifier answered for one question (category, calibrated
 * confidence, top-k, model version, latency) and how it was routed (DESIGN.md §2). Also the routing
 * rule itself ({@link dev.qcat.domain.model.question.RoutingPolicy}).
 */
package dev.qcat.domain.model.question;
