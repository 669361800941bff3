package dev.qcat.inference.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of JSON
 * header ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}},
 * offsets relative to the end of the header), then the raw little-endian data.
 *
 * <p>Reference: huggingface/safetensors, format description in its README. F32, F16 and BF16
 * tensors are read and always returned as float32 ({@link FloatTensor}); BF16 and F16 are widened
 * in Java ({@link HalfFloats}), never through an NDArray.
 *
 * <p>Life cycle: {@link #open} reads and checks the header only; {@link #read} reads one tensor's
 * data on demand; {@link #close} releases the file.
 */
public final class SafetensorsReader implements AutoCloseable {

  /** Largest header accepted, in bytes (the format's own limit is 100 MB). */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_BYTES = 1 << 24;

  /**
   * Where one tensor lies in the file.
   *
   * @param name tensor name, as in the header
   * @param dtype stored dtype
   * @param shape dimensions (PyTorch order)
   * @param begin first data byte, relative to the start of the data section
   * @param end one past the last data byte, relative to the start of the data section
   */
  public record TensorInfo(
      String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {

    /**
     * @return the number of values, product of {@code shape}
     */
    public long numel() {
      return FloatTensor.numel(shape);
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsReader(
      Path file,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens a file and parses its header.
   *
   * @param file path of the {@code .safetensors} file
   * @return an open reader; the caller closes it. Never null.
   * @throws UncheckedIOException if the file is missing or unreadable (the message names it)
   * @throws IllegalArgumentException if the header is malformed, a dtype is unsupported, or a
   *     tensor's byte range does not match its shape or the file size (the message names the file)
   */
  public static SafetensorsReader open(Path file) {
    Objects.requireNonNull(file, "file is required.");
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("missing " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
    }
    try {
      long size = ch.size();
      if (size < 8) {
        throw new IllegalArgumentException(
            file + ": " + size + " bytes, too short for a safetensors header (expected >= 8)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
        throw new IllegalArgumentException(
            file
                + ": header length "
                + headerLen
                + " bytes (expected in [1, min(100 MB, "
                + (size - 8)
                + ")])");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headerBuf, 8);
      String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8);
      JsonNode header;
      try {
        header = JSON.readTree(headerText);
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": header is not valid JSON: " + e.getMessage());
      }
      if (header == null || !header.isObject()) {
        throw new IllegalArgumentException(file + ": header is not a JSON object");
      }
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          e.getValue()
              .fields()
              .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.put(e.getKey(), parseInfo(file, e.getKey(), e.getValue(), dataLen));
      }
      return new SafetensorsReader(
          file,
          ch,
          dataStart,
          Collections.unmodifiableMap(tensors),
          Collections.unmodifiableMap(metadata));
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads every tensor of a file.
   *
   * @param file path of the {@code .safetensors} file
   * @return tensors by name, in file order, widened to float32. Never null.
   * @throws UncheckedIOException if the file is missing or unreadable
   * @throws IllegalArgumentException if the file is malformed
   */
  public static Map<String, FloatTensor> readAll(Path file) {
    try (SafetensorsReader r = open(file)) {
      Map<String, FloatTensor> out = new LinkedHashMap<>();
      for (String name : r.tensors().keySet()) {
        out.put(name, r.read(name));
      }
      return out;
    }
  }

  /**
   * @return the file this reader reads. Never null.
   */
  public Path file() {
    return file;
  }

  /**
   * @return tensor descriptions by name, in header order. Never null.
   */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /**
   * @return the header's {@code __metadata__} (string to string), empty if absent. Never null.
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Reads one tensor, widening F16/BF16 to float32.
   *
   * @param name tensor name
   * @return the tensor, float32, row-major. Never null.
   * @throws IllegalArgumentException if the file holds no tensor of that name
   * @throws UncheckedIOException if the data cannot be read
   */
  public FloatTensor read(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new IllegalArgumentException(file + ": no tensor named " + name);
    }
    long n = info.numel();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          file + ": " + name + " has " + n + " values, more than a Java array holds");
    }
    float[] out = new float[(int) n];
    int bpe = info.dtype().bytes();
    long pos = dataStart + info.begin();
    int done = 0;
    ByteBuffer buf =
        ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, n * bpe)).order(ByteOrder.LITTLE_ENDIAN);
    try {
      while (done < n) {
        int count = (int) Math.min(n - done, buf.capacity() / bpe);
        buf.clear().limit(count * bpe);
        readFully(channel, buf, pos);
        buf.flip();
        switch (info.dtype()) {
          case F32 -> buf.asFloatBuffer().get(out, done, count);
          case F16 -> {
            for (int i = 0; i < count; i++) {
              out[done + i] = HalfFloats.f16ToFloat(buf.getShort(2 * i));
            }
          }
          case BF16 -> {
            for (int i = 0; i < count; i++) {
              out[done + i] = HalfFloats.bf16ToFloat(buf.getShort(2 * i));
            }
          }
        }
        done += count;
        pos += (long) count * bpe;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " from " + file, e);
    }
    return new FloatTensor(info.shape().clone(), out);
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static TensorInfo parseInfo(Path file, String name, JsonNode node, long dataLen) {
    JsonNode dtypeNode = node.get("dtype");
    JsonNode shapeNode = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtypeNode == null
        || shapeNode == null
        || !shapeNode.isArray()
        || offsets == null
        || !offsets.isArray()
        || offsets.size() != 2) {
      throw new IllegalArgumentException(
          file + ": " + name + " header entry " + node + " (expected dtype, shape, data_offsets)");
    }
    SafetensorsDtype dtype;
    try {
      dtype = SafetensorsDtype.fromHeader(dtypeNode.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + name + ": " + e.getMessage());
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong(-1);
      if (shape[i] < 0) {
        throw new IllegalArgumentException(
            file + ": " + name + " has shape " + shapeNode + " (expected non-negative integers)");
      }
    }
    long begin = offsets.get(0).asLong(-1);
    long end = offsets.get(1).asLong(-1);
    long expectedBytes = FloatTensor.numel(shape) * dtype.bytes();
    if (begin < 0 || end < begin || end - begin != expectedBytes) {
      throw new IllegalArgumentException(
          file
              + ": "
              + name
              + " data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin)
              + " bytes but "
              + dtype
              + " shape "
              + Arrays.toString(shape)
              + " expects "
              + expectedBytes);
    }
    if (end > dataLen) {
      throw new IllegalArgumentException(
          file
              + ": "
              + name
              + " ends at data byte "
              + end
              + " but the file holds "
              + dataLen
              + " data bytes (truncated file?)");
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += r;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing useful to do: the file was only read
    }
  }
}
