package dev.qcat.inference.hub;

import java.util.Optional;

/**
 * A file of a hub repository as the listing describes it.
 *
 * @param name path inside the repository ({@code rfilename}), never null
 * @param size size in bytes, or -1 when the listing does not say
 * @param sha256 lowercase hex sha256 of the content, present for LFS files ({@code lfs.sha256})
 * @param gitBlobSha1 lowercase hex git blob id ({@code blobId}): sha1 of {@code "blob <size>\0"}
 *     followed by the content; for a non-LFS file this checks the content
 * @param lfs whether the file is stored through git-lfs (then {@code gitBlobSha1} names the
 *     pointer, not the content)
 */
public record RemoteFile(
    String name, long size, Optional<String> sha256, Optional<String> gitBlobSha1, boolean lfs) {}
