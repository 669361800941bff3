package dev.qcat.inference.io;

import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes a GGUF version 3 file: metadata key/values, then tensor infos, then tensor data, each
 * tensor's data starting at a multiple of {@link #ALIGNMENT} bytes. The writer is filled in memory
 * ({@code put…} and {@link #addTensor}) and then written once with {@link #write}; tensor data are
 * converted from float32 to each tensor's {@link GgufType} while streaming through one 1 MiB
 * buffer, so no second copy of the weights is made. Keys and tensors keep the order in which they
 * were added; every {@code put…} throws {@link IllegalArgumentException} for a key already set.
 *
 * <p>Layout: magic {@code "GGUF"}, uint32 version 3, uint64 tensor count, uint64 metadata count,
 * metadata (string key, uint32 value type, value), tensor infos (string name, uint32 n_dims, uint64
 * ne[n_dims] innermost first, uint32 GGML type, uint64 offset into the data section), zero padding
 * to the alignment, data. All little-endian.
 *
 * <p>Reference: ggml {@code docs/gguf.md}; llama.cpp {@code gguf-py/gguf/gguf_writer.py}.
 */
public final class GgufWriter {

  /** The GGUF version this writer produces. */
  public static final int VERSION = 3;

  /** Alignment of the data section and of each tensor's data, in bytes (GGUF default). */
  public static final int ALIGNMENT = 32;

  /** Longest tensor name ggml accepts, in UTF-8 bytes ({@code GGML_MAX_NAME} - 1). */
  public static final int MAX_TENSOR_NAME_BYTES = 63;

  /** Most dimensions a ggml tensor has ({@code GGML_MAX_DIMS}). */
  public static final int MAX_DIMS = 4;

  private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
  private static final int BUFFER_BYTES = 1 << 20;

  private record Value(GgufValueType type, GgufValueType elementType, Object value) {}

  private record Tensor(String name, long[] ne, GgufType type, Supplier<float[]> data) {}

  private final Map<String, Value> metadata = new LinkedHashMap<>();
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();

  /**
   * Starts a file for a model architecture; sets {@code general.architecture} and {@code
   * general.alignment}.
   *
   * @param architecture llama.cpp architecture name, e.g. {@code "qwen2"}
   */
  public GgufWriter(String architecture) {
    putString(
        "general.architecture", Objects.requireNonNull(architecture, "architecture is required."));
    putUint32("general.alignment", ALIGNMENT);
  }

  /** Adds a UTF-8 string value. */
  public GgufWriter putString(String key, String value) {
    return put(
        key, GgufValueType.STRING, null, Objects.requireNonNull(value, key + " is required."));
  }

  /** Adds a uint32 value; {@code value} must be in [0, 2^32). */
  public GgufWriter putUint32(String key, long value) {
    if (value < 0 || value > 0xffffffffL) {
      throw new IllegalArgumentException(
          "expected " + key + " in [0, 2^32) for uint32 but got " + value);
    }
    return put(key, GgufValueType.UINT32, null, value);
  }

  /** Adds an int32 value. */
  public GgufWriter putInt32(String key, int value) {
    return put(key, GgufValueType.INT32, null, value);
  }

  /** Adds a uint64 value; {@code value} must be ≥ 0. */
  public GgufWriter putUint64(String key, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("expected " + key + " ≥ 0 for uint64 but got " + value);
    }
    return put(key, GgufValueType.UINT64, null, value);
  }

  /** Adds a float32 value. */
  public GgufWriter putFloat32(String key, float value) {
    return put(key, GgufValueType.FLOAT32, null, value);
  }

  /** Adds a bool value (one byte, 0 or 1). */
  public GgufWriter putBool(String key, boolean value) {
    return put(key, GgufValueType.BOOL, null, value);
  }

  /** Adds an array of UTF-8 strings; no element may be null. */
  public GgufWriter putStringArray(String key, List<String> values) {
    List<String> copy = List.copyOf(values); // rejects null elements
    return put(key, GgufValueType.ARRAY, GgufValueType.STRING, copy);
  }

  /** Adds an array of int32. */
  public GgufWriter putInt32Array(String key, int[] values) {
    return put(key, GgufValueType.ARRAY, GgufValueType.INT32, values.clone());
  }

  /** Adds an array of float32. */
  public GgufWriter putFloat32Array(String key, float[] values) {
    return put(key, GgufValueType.ARRAY, GgufValueType.FLOAT32, values.clone());
  }

  private GgufWriter put(String key, GgufValueType type, GgufValueType elementType, Object value) {
    Objects.requireNonNull(key, "metadata key is required.");
    if (metadata.containsKey(key)) {
      throw new IllegalArgumentException("metadata key " + key + " is already set");
    }
    metadata.put(key, new Value(type, elementType, value));
    return this;
  }

  /**
   * Adds a tensor. The data are held by reference until {@link #write}; do not change them before.
   *
   * @param name GGUF tensor name, at most {@value #MAX_TENSOR_NAME_BYTES} UTF-8 bytes, unique
   * @param ne GGUF dimensions, innermost (fastest-varying) first: the reverse of a PyTorch shape; 1
   *     to {@value #MAX_DIMS} entries, each ≥ 1
   * @param type storage type; {@code ne[0]} must be a multiple of its block size
   * @param data float32 values in row-major order of the PyTorch shape, length = product of {@code
   *     ne}
   * @return this writer
   * @throws IllegalArgumentException if the name is taken or too long, the dimensions are invalid,
   *     or the data length does not match them
   */
  public GgufWriter addTensor(String name, long[] ne, GgufType type, float[] data) {
    Objects.requireNonNull(data, "tensor data is required.");
    long elements = checkTensor(name, ne, type);
    checkLength(name, ne, elements, data.length);
    tensors.put(name, new Tensor(name, ne.clone(), type, () -> data));
    return this;
  }

  /**
   * Adds a tensor whose data are fetched only while {@link #write} writes it, one tensor at a time,
   * so a model larger than half the heap can be exported straight from its checkpoint files.
   *
   * @param name GGUF tensor name, at most {@value #MAX_TENSOR_NAME_BYTES} UTF-8 bytes, unique
   * @param ne GGUF dimensions, innermost first (reverse of the PyTorch shape), 1 to {@value
   *     #MAX_DIMS} entries, each ≥ 1
   * @param type storage type; {@code ne[0]} must be a multiple of its block size
   * @param data supplies the float32 values, row-major in PyTorch order, length = product of {@code
   *     ne}; called once, during {@link #write}, which fails if the length is wrong
   * @return this writer
   * @throws IllegalArgumentException if the name is taken or too long or the dimensions are invalid
   */
  public GgufWriter addTensor(String name, long[] ne, GgufType type, Supplier<float[]> data) {
    Objects.requireNonNull(data, "tensor data supplier is required.");
    checkTensor(name, ne, type);
    tensors.put(name, new Tensor(name, ne.clone(), type, data));
    return this;
  }

  private long checkTensor(String name, long[] ne, GgufType type) {
    Objects.requireNonNull(name, "tensor name is required.");
    Objects.requireNonNull(type, "tensor type is required.");
    if (tensors.containsKey(name)) {
      throw new IllegalArgumentException("tensor " + name + " is already added");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_TENSOR_NAME_BYTES) {
      throw new IllegalArgumentException(
          "tensor name " + name + " is longer than " + MAX_TENSOR_NAME_BYTES + " bytes");
    }
    if (ne.length < 1 || ne.length > MAX_DIMS) {
      throw new IllegalArgumentException(
          "expected 1.." + MAX_DIMS + " dimensions for " + name + " but got " + ne.length);
    }
    long elements = 1;
    for (long n : ne) {
      if (n < 1) {
        throw new IllegalArgumentException(
            "expected dimensions ≥ 1 for " + name + " but got " + Arrays.toString(ne));
      }
      elements = Math.multiplyExact(elements, n);
    }
    type.byteSize(ne); // validates block divisibility
    return elements;
  }

  private static void checkLength(String name, long[] ne, long elements, int length) {
    if (elements != length) {
      throw new IllegalArgumentException(
          "expected "
              + elements
              + " values for "
              + name
              + " of ne="
              + Arrays.toString(ne)
              + " but got "
              + length);
    }
  }

  /**
   * @return the number of tensors added so far
   */
  public int tensorCount() {
    return tensors.size();
  }

  /**
   * Writes the file. It is first written next to {@code out} as {@code out + ".part"} and then
   * moved into place, so a failed write never leaves a truncated file under {@code out}.
   *
   * @param out destination path; its parent directory must exist; an existing file is replaced
   * @return size of the written file, in bytes
   * @throws IOException if writing fails
   */
  public long write(Path out) throws IOException {
    Path part = out.resolveSibling(out.getFileName() + ".part");
    long size;
    try (FileChannel channel =
        FileChannel.open(
            part,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      Sink sink = new Sink(channel);
      sink.putInt(MAGIC);
      sink.putInt(VERSION);
      sink.putLong(tensors.size());
      sink.putLong(metadata.size());
      for (Map.Entry<String, Value> entry : metadata.entrySet()) {
        sink.putString(entry.getKey());
        writeValue(sink, entry.getValue());
      }
      long offset = 0;
      for (Tensor tensor : tensors.values()) {
        sink.putString(tensor.name);
        sink.putInt(tensor.ne.length);
        for (long n : tensor.ne) {
          sink.putLong(n);
        }
        sink.putInt(tensor.type.ggmlId());
        sink.putLong(offset);
        offset += padded(tensor.type.byteSize(tensor.ne));
      }
      sink.padTo(ALIGNMENT);
      for (Tensor tensor : tensors.values()) {
        sink.putTensorData(tensor);
        sink.padTo(ALIGNMENT);
      }
      sink.flush();
      size = sink.written;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    Files.move(part, out, StandardCopyOption.REPLACE_EXISTING);
    return size;
  }

  private static long padded(long bytes) {
    return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  private static void writeValue(Sink sink, Value value) throws IOException {
    sink.putInt(value.type.id());
    switch (value.type) {
      case STRING -> sink.putString((String) value.value);
      case UINT32 -> sink.putInt((int) (long) (Long) value.value);
      case INT32 -> sink.putInt((Integer) value.value);
      case UINT64 -> sink.putLong((Long) value.value);
      case FLOAT32 -> sink.putFloat((Float) value.value);
      case BOOL -> sink.putByte((Boolean) value.value ? 1 : 0);
      case ARRAY -> {
        sink.putInt(value.elementType.id());
        switch (value.elementType) {
          case STRING -> {
            @SuppressWarnings("unchecked")
            List<String> strings = (List<String>) value.value;
            sink.putLong(strings.size());
            for (String s : strings) {
              sink.putString(s);
            }
          }
          case INT32 -> {
            int[] ints = (int[]) value.value;
            sink.putLong(ints.length);
            for (int i : ints) {
              sink.putInt(i);
            }
          }
          case FLOAT32 -> {
            float[] floats = (float[]) value.value;
            sink.putLong(floats.length);
            for (float f : floats) {
              sink.putFloat(f);
            }
          }
          default -> throw new IllegalStateException("unsupported array type " + value.elementType);
        }
      }
      default -> throw new IllegalStateException("unsupported value type " + value.type);
    }
  }

  /** A little-endian buffered sink over a file channel that counts the bytes written. */
  private static final class Sink {
    private final FileChannel channel;
    private final ByteBuffer buffer =
        ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    Sink(FileChannel channel) {
      this.channel = channel;
    }

    private void ensure(int bytes) throws IOException {
      if (buffer.remaining() < bytes) {
        flush();
      }
    }

    void flush() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    void putByte(int b) throws IOException {
      ensure(1);
      buffer.put((byte) b);
      written += 1;
    }

    void putInt(int v) throws IOException {
      ensure(4);
      buffer.putInt(v);
      written += 4;
    }

    void putLong(long v) throws IOException {
      ensure(8);
      buffer.putLong(v);
      written += 8;
    }

    void putFloat(float v) throws IOException {
      ensure(4);
      buffer.putFloat(v);
      written += 4;
    }

    void putString(String s) throws IOException {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      putLong(bytes.length);
      int at = 0;
      while (at < bytes.length) {
        ensure(1);
        int n = Math.min(buffer.remaining(), bytes.length - at);
        buffer.put(bytes, at, n);
        at += n;
      }
      written += bytes.length;
    }

    void padTo(int alignment) throws IOException {
      while (written % alignment != 0) {
        putByte(0);
      }
    }

    void putTensorData(Tensor tensor) throws IOException {
      GgufType type = tensor.type;
      int blocksPerChunk = BUFFER_BYTES / type.blockBytes();
      int valuesPerChunk = blocksPerChunk * type.blockSize();
      float[] data = tensor.data.get();
      long elements = 1;
      for (long n : tensor.ne) {
        elements *= n;
      }
      checkLength(tensor.name, tensor.ne, elements, data.length);
      for (int from = 0; from < data.length; from += valuesPerChunk) {
        int count = Math.min(valuesPerChunk, data.length - from);
        int bytes = count / type.blockSize() * type.blockBytes();
        ensure(bytes);
        type.encode(data, from, count, buffer);
        written += bytes;
      }
    }
  }
}
