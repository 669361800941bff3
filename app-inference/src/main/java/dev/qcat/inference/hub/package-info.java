/**
 * Fetching model checkpoints from the Hugging Face hub or a mirror that answers like it ({@code
 * HF_ENDPOINT}): file listing, resumable downloads and checksum verification. Only HTTP and files
 * live here; what the files mean is {@code io/}'s business.
 */
package dev.qcat.inference.hub;
