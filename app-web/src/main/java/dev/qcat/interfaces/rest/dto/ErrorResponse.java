package dev.qcat.interfaces.rest.dto;

/**
 * Body of every error answer.
 *
 * @param status HTTP status code
 * @param error reason phrase
 * @param message what went wrong and, where possible, what to do
 */
public record ErrorResponse(int status, String error, String message) {}
