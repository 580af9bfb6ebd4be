package dev.clpool.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clpool.npy.Npz;
import dev.clpool.op.OutputSize;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The PyTorch golden cases in {@code test-data/}: input, output size, and PyTorch's avg, max and indices. */
public final class GoldenCases {
    public static final Path DIR = Path.of("test-data");
    public static final Path ARCHIVE = DIR.resolve("pytorch-adaptive-pool2d.npz");
    public static final Path MANIFEST = DIR.resolve("manifest.json");

    /** One case; {@code data} is the manifest's kind of data (normal, nan, ties, ...). */
    public record Case(String name, Shape inputShape, OutputSize outputSize, String data,
                       Tensor x, Tensor avg, Tensor max, Tensor idx) {
        @Override
        public String toString() {
            return name + " " + inputShape + " -> " + outputSize + " (" + data + ")";
        }
    }

    private GoldenCases() {
    }

    public static List<Case> all() throws IOException {
        JsonObject cases = JsonParser.parseString(Files.readString(MANIFEST, StandardCharsets.UTF_8))
                .getAsJsonObject().getAsJsonObject("cases");
        List<Case> out = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : cases.entrySet()) {
            String name = e.getKey();
            JsonObject c = e.getValue().getAsJsonObject();
            long[] shape = toLongs(c.getAsJsonArray("input_shape"));
            out.add(new Case(name, Shape.of(shape), outputSize(c.get("output_size")), c.get("data").getAsString(),
                    Npz.read(ARCHIVE, name + "__x"), Npz.read(ARCHIVE, name + "__avg"),
                    Npz.read(ARCHIVE, name + "__max"), Npz.read(ARCHIVE, name + "__idx")));
        }
        return out;
    }

    /** The manifest's {@code output_size}: an int, or a list whose entries may be null (None). */
    static OutputSize outputSize(JsonElement e) {
        if (e.isJsonPrimitive()) {
            return OutputSize.of(e.getAsLong());
        }
        JsonArray a = e.getAsJsonArray();
        Long[] sizes = new Long[a.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = a.get(i).isJsonNull() ? null : a.get(i).getAsLong();
        }
        return OutputSize.ofNullable(sizes);
    }

    private static long[] toLongs(JsonArray a) {
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsLong();
        }
        return v;
    }
}
