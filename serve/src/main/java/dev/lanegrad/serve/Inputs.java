package dev.lanegrad.serve;

import dev.lanegrad.io.Json;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.lanegrad.serve.ApiError.Status.BAD_REQUEST;
import static dev.lanegrad.serve.ApiError.Status.TOO_LARGE;

/**
 * Reads the members of a request body, each error naming the member, what was found and what was
 * expected ({@code x[3] has 7 values, expected 8 (the model's input size)}). Sizes are checked against
 * the limits before anything is allocated from them.
 */
public final class Inputs {

    private Inputs() {
    }

    /** The body as a JSON object, or a 400 naming where the JSON broke. */
    public static Map<String, Object> object(String body) {
        if (body.isBlank()) {
            throw new ApiError(BAD_REQUEST, "the request body is empty; expected a JSON object");
        }
        try {
            return Json.parseObject(body);
        } catch (IllegalArgumentException e) {
            throw new ApiError(BAD_REQUEST, "malformed JSON: " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new ApiError(BAD_REQUEST, "malformed JSON: nested too deeply");
        }
    }

    public static Object required(Map<String, Object> body, String key) {
        if (!body.containsKey(key)) {
            throw new ApiError(BAD_REQUEST, "member '" + key + "' is missing");
        }
        return body.get(key);
    }

    public static String string(Map<String, Object> body, String key) {
        Object v = required(body, key);
        if (!(v instanceof String s)) {
            throw new ApiError(BAD_REQUEST, "'" + key + "' is " + Json.typeName(v) + ", expected a string");
        }
        return s;
    }

    public static boolean bool(Map<String, Object> body, String key, boolean dflt) {
        Object v = body.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw new ApiError(BAD_REQUEST, "'" + key + "' is " + Json.typeName(v) + ", expected true or false");
        }
        return b;
    }

    /** A number in [min, max], or dflt when absent. */
    public static double number(Map<String, Object> body, String key, double dflt, double min, double max) {
        Object v = body.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n)) {
            throw new ApiError(BAD_REQUEST, "'" + key + "' is " + Json.typeName(v) + ", expected a number");
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            throw new ApiError(BAD_REQUEST, "'" + key + "' = " + v + ", expected a number in [" + min + ", " + max + "]");
        }
        return d;
    }

    /** An integer in [min, max], or dflt when absent. */
    public static long integer(Map<String, Object> body, String key, long dflt, long min, long max) {
        Object v = body.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Long n) || n < min || n > max) {
            throw new ApiError(BAD_REQUEST, "'" + key + "' = " + JsonOut.write(v) + ", expected an integer in ["
                    + min + ", " + max + "]");
        }
        return n;
    }

    /** One finite float of a JSON value at the named place. */
    public static float finite(Object v, String where) {
        if (!(v instanceof Number n)) {
            throw new ApiError(BAD_REQUEST, where + " is " + Json.typeName(v) + ", expected a number");
        }
        float f = n.floatValue();
        if (!Float.isFinite(f)) {
            throw new ApiError(BAD_REQUEST, where + " = " + v + " is not a finite float (NaN and infinities are refused)");
        }
        return f;
    }

    /** A list of numbers, 1..maxLength long, finite. */
    public static float[] vector(Map<String, Object> body, String key, int maxLength) {
        Object v = required(body, key);
        if (!(v instanceof List<?> list)) {
            throw new ApiError(BAD_REQUEST, "'" + key + "' is " + Json.typeName(v) + ", expected an array of numbers");
        }
        if (list.isEmpty()) {
            throw new ApiError(BAD_REQUEST, "'" + key + "' is empty; expected at least one number");
        }
        if (list.size() > maxLength) {
            throw new ApiError(TOO_LARGE, "'" + key + "' has " + list.size() + " values, more than the limit of " + maxLength);
        }
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = finite(list.get(i), key + "[" + i + "]");
        }
        return out;
    }

    /**
     * A sequence of steps of {@code width} features: either "x" as T arrays of width numbers, or "x_f32" as
     * base64 of T * width little-endian float32 values (4x smaller, and no number parsing). T in [1, maxSteps].
     * Returns the values row-major [T, width].
     */
    public static float[] steps(Map<String, Object> body, int width, int maxSteps) {
        if (body.containsKey("x_f32")) {
            if (body.containsKey("x")) {
                throw new ApiError(BAD_REQUEST, "give 'x' or 'x_f32', not both");
            }
            Object v = body.get("x_f32");
            return v instanceof ByteBuffer[] raw ? f32Steps(raw, "the body", width, maxSteps)
                    : base64Steps(string(body, "x_f32"), width, maxSteps);
        }
        Object v = body.get("x");
        if (v == null) {
            throw new ApiError(BAD_REQUEST, "member 'x' (an array of steps, each an array of " + width
                    + " numbers) or 'x_f32' (base64 little-endian float32) is missing");
        }
        if (!(v instanceof List<?> rows)) {
            throw new ApiError(BAD_REQUEST, "'x' is " + Json.typeName(v) + ", expected an array of steps, each an array of "
                    + width + " numbers");
        }
        if (rows.isEmpty()) {
            throw new ApiError(BAD_REQUEST, "'x' has no steps; expected at least one");
        }
        if (rows.size() > maxSteps) {
            throw new ApiError(TOO_LARGE, "'x' has " + rows.size() + " steps, more than the limit of " + maxSteps);
        }
        float[] out = new float[rows.size() * width];
        for (int t = 0; t < rows.size(); t++) {
            Object row = rows.get(t);
            if (!(row instanceof List<?> values)) {
                throw new ApiError(BAD_REQUEST, "x[" + t + "] is " + Json.typeName(row) + ", expected an array of "
                        + width + " numbers");
            }
            if (values.size() != width) {
                throw new ApiError(BAD_REQUEST, "x[" + t + "] has " + values.size() + " values, expected " + width
                        + " (the model's input size)");
            }
            for (int i = 0; i < width; i++) {
                out[t * width + i] = finite(values.get(i), "x[" + t + "][" + i + "]");
            }
        }
        return out;
    }

    private static float[] base64Steps(String text, int width, int maxSteps) {
        long maxBytes = 4L * width * maxSteps;
        if (text.length() > (maxBytes + 2) / 3 * 4 + 4) {
            throw new ApiError(TOO_LARGE, "'x_f32' holds more than the limit of " + maxSteps + " steps of " + width + " floats");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new ApiError(BAD_REQUEST, "'x_f32' is not base64: " + e.getMessage());
        }
        return f32Steps(new ByteBuffer[] {ByteBuffer.wrap(bytes)}, "'x_f32'", width, maxSteps);
    }

    /**
     * Little-endian float32 steps of width values, each finite, decoded straight from the body's buffers (a
     * server's body may come in several; a float may straddle two): no copy of the body. what names them in
     * errors.
     */
    private static float[] f32Steps(ByteBuffer[] parts, String what, int width, int maxSteps) {
        long length = 0;
        for (ByteBuffer p : parts) {
            length += p.remaining();
        }
        long step = 4L * width;
        if (length == 0 || length % step != 0) {
            throw new ApiError(BAD_REQUEST, what + " holds " + length + " bytes, expected a positive multiple of " + step
                    + " (steps of " + width + " little-endian float32 values)");
        }
        if (length / step > maxSteps) {
            throw new ApiError(TOO_LARGE, what + " has " + length / step + " steps, more than the limit of " + maxSteps);
        }
        float[] out = new float[(int) (length / 4)];
        int n = 0;
        int carry = 0; // bytes of a straddling float read so far
        int bits = 0;
        for (ByteBuffer part : parts) {
            ByteBuffer p = part.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            while (carry > 0 && p.hasRemaining()) {
                bits |= (p.get() & 0xff) << (8 * carry);
                if (++carry == 4) {
                    out[n++] = Float.intBitsToFloat(bits);
                    carry = 0;
                    bits = 0;
                }
            }
            int whole = p.remaining() / 4;
            p.asFloatBuffer().get(out, n, whole);
            n += whole;
            p.position(p.position() + 4 * whole);
            while (p.hasRemaining()) {
                bits |= (p.get() & 0xff) << (8 * carry++);
            }
        }
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw new ApiError(BAD_REQUEST, "x_f32 value " + i + " (step " + i / width + ", feature " + i % width + ") = "
                        + out[i] + " is not finite");
            }
        }
        return out;
    }
}
