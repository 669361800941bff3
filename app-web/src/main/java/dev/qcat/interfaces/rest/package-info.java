/**
 * The REST API under {@code /qcat/api/v1} (JAX-RS, JSON): thin resources that check input, call one
 * application service and return DTOs; exception mappers turn domain failures into status codes
 * with a message. No transactions or queries here.
 */
package dev.qcat.interfaces.rest;
