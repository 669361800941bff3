package dev.qcat.inference.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Writes a {@code .safetensors} file (format in {@link SafetensorsReader}) from float32 data,
 * stored as F32, F16 or BF16 (narrowed in Java, round to nearest even). The header is padded with
 * spaces to a multiple of 8 bytes, as the reference implementation does, and carries {@code
 * "__metadata__": {"format": "pt"}} so HF transformers accepts the file.
 *
 * <p>The file is written to a temporary sibling and moved into place, so a reader never sees a
 * half-written file.
 */
public final class SafetensorsWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_VALUES = 1 << 22;

  private SafetensorsWriter() {}

  /**
   * Writes tensors held in memory.
   *
   * @param file destination path
   * @param dtype storage dtype of every tensor
   * @param tensors tensors by name, written in iteration order
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Path file, SafetensorsDtype dtype, Map<String, FloatTensor> tensors) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    tensors.forEach((k, v) -> shapes.put(k, v.shape()));
    write(file, dtype, shapes, name -> tensors.get(name).data(), Map.of("format", "pt"));
  }

  /**
   * Writes tensors produced one at a time, so only one tensor is on the heap at once (used for
   * checkpoints of real size).
   *
   * @param file destination path
   * @param dtype storage dtype of every tensor
   * @param shapes tensor shapes by name, written in iteration order
   * @param source gives the float32 data of a tensor by name; called once per tensor, in order;
   *     length must equal the product of its shape
   * @param metadata string entries for {@code __metadata__}
   * @throws IllegalArgumentException if a tensor's data length does not match its shape
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(
      Path file,
      SafetensorsDtype dtype,
      Map<String, long[]> shapes,
      Function<String, float[]> source,
      Map<String, String> metadata) {
    Objects.requireNonNull(dtype, "dtype is required.");
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    long offset = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long bytes = FloatTensor.numel(e.getValue()) * dtype.bytes();
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", dtype.name());
      var shapeArr = t.putArray("shape");
      for (long d : e.getValue()) {
        shapeArr.add(d);
      }
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] headerBytes;
    try {
      headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int padded = (headerBytes.length + 7) / 8 * 8;
    byte[] headerPadded = Arrays.copyOf(headerBytes, padded);
    Arrays.fill(headerPadded, headerBytes.length, padded, (byte) ' ');

    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
      writeFully(ch, len);
      writeFully(ch, ByteBuffer.wrap(headerPadded));
      ByteBuffer buf =
          ByteBuffer.allocate(CHUNK_VALUES * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        float[] data = source.apply(e.getKey());
        long n = FloatTensor.numel(e.getValue());
        if (data == null || data.length != n) {
          throw new IllegalArgumentException(
              e.getKey()
                  + " has shape "
                  + Arrays.toString(e.getValue())
                  + " ("
                  + n
                  + " values) but "
                  + (data == null ? "no data" : data.length + " values")
                  + " were given");
        }
        for (int start = 0; start < data.length; start += CHUNK_VALUES) {
          int count = Math.min(CHUNK_VALUES, data.length - start);
          buf.clear();
          switch (dtype) {
            case F32 -> {
              buf.asFloatBuffer().put(data, start, count);
              buf.position(count * 4);
            }
            case F16 -> {
              for (int i = 0; i < count; i++) {
                buf.putShort(HalfFloats.floatToF16(data[start + i]));
              }
            }
            case BF16 -> {
              for (int i = 0; i < count; i++) {
                buf.putShort(HalfFloats.floatToBf16(data[start + i]));
              }
            }
          }
          buf.flip();
          writeFully(ch, buf);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp + ": " + e.getMessage(), e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + tmp + " to " + file, e);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
