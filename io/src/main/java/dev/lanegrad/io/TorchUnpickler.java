package dev.lanegrad.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted unpickler for the {@code data.pkl} of a {@code torch.save(model.state_dict())} archive,
 * the equivalent of {@code torch.load(weights_only=True)}: it understands the opcodes and the few globals
 * a state_dict needs and refuses everything else, naming it. Nothing in the pickle is ever executed or
 * instantiated: a global is a name compared with an allow-list, and REDUCE "calls" only the allowed ones,
 * which here build plain descriptions ({@link Dict}, {@link TensorRef}, {@link StorageRef}).
 *
 * <p>Allowed globals: {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter} and the storages {@code torch.FloatStorage}, {@code HalfStorage},
 * {@code BFloat16Storage}, {@code DoubleStorage}. Allowed values: dicts with string keys, tuples, ints,
 * floats, strings, booleans, None, and persistent ids of storages. BUILD is accepted only on an
 * OrderedDict (a state_dict carries its {@code _metadata} that way) and its state is dropped.
 *
 * <p>The machine runs in a loop without recursion, and never walks the objects it built, so nesting depth
 * cannot overflow the Java stack; the value stack, the marks and the memo are capped, and every length in
 * the pickle is checked against the bytes that remain before anything is allocated.
 */
final class TorchUnpickler {

    static final int MAX_STACK = 1 << 20;
    static final int MAX_MEMO = 1 << 22;
    static final int MAX_GLOBAL_NAME = 256;

    /**
     * A module-level name the pickle refers to, already checked against the allow-list. It is known by its
     * qualified name "module.name", the key torch.load(weights_only=True) looks its allowed globals up by.
     */
    enum Global {
        ORDERED_DICT("collections.OrderedDict", null),
        REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2", null),
        REBUILD_PARAMETER("torch._utils._rebuild_parameter", null),
        FLOAT_STORAGE("torch.FloatStorage", Dtype.F32),
        HALF_STORAGE("torch.HalfStorage", Dtype.F16),
        BFLOAT16_STORAGE("torch.BFloat16Storage", Dtype.BF16),
        DOUBLE_STORAGE("torch.DoubleStorage", Dtype.F64);

        final String qualified;
        final Dtype storageDtype;

        Global(String qualified, Dtype storageDtype) {
            this.qualified = qualified;
            this.storageDtype = storageDtype;
        }
    }

    /** A tuple; never compared or hashed (so a hostile graph cannot make us recurse). */
    static final class Tuple {
        final Object[] items;

        Tuple(Object[] items) {
            this.items = items;
        }
    }

    /** A dict or an OrderedDict; keys are strings (a state_dict's names and its metadata). */
    static final class Dict {
        final Map<String, Object> entries = new LinkedHashMap<>();
    }

    /** A persistent id ('storage', type, key, location, numel): the bytes live in the archive's data/key. */
    record StorageRef(String key, Dtype dtype, long numel) {
    }

    /** A view of a storage, as _rebuild_tensor_v2 describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    private static final Object MARK = new Object();
    private static final Set<String> STORAGE_LOCATIONS = Set.of("cpu", "cuda", "mps", "meta");

    private final PickleBytes bytes;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final HashMap<Long, Object> memo = new HashMap<>();
    private final Map<String, StorageRef> storages = new HashMap<>();

    private TorchUnpickler(String source, byte[] pickle) {
        this.bytes = new PickleBytes(source, pickle, MAX_GLOBAL_NAME);
    }

    /** Runs the pickle and returns its result: the state_dict as a {@link Dict}. */
    static Dict load(String source, byte[] pickle) throws TorchFileException {
        Object result = new TorchUnpickler(source, pickle).run();
        if (result instanceof Dict d) {
            return d;
        }
        throw new TorchFileException(source + ": the pickle holds " + typeName(result)
                + ", expected a state_dict (a dict of tensors): save model.state_dict(), not the model");
    }

    private Object run() throws TorchFileException {
        while (true) {
            int at = bytes.position();
            int op = bytes.u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = bytes.u8();
                    if (protocol < 2 || protocol > 5) {
                        throw fail(at, "pickle protocol " + protocol + ", expected 2 to 5");
                    }
                }
                case 0x95 -> bytes.skip(8); // FRAME: a length hint for buffered readers; we hold all bytes
                case '.' -> { // STOP
                    return pop(at);
                }
                case '(' -> {
                    if (marks.size() >= MAX_STACK) {
                        throw fail(at, "more than " + MAX_STACK + " open marks");
                    }
                    marks.add(stack.size());
                }
                case 'c' -> push(at, global(at, bytes.line(at), bytes.line(at)));
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(at);
                    Object module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail(at, "STACK_GLOBAL needs two strings, got " + typeName(module) + " and " + typeName(name));
                    }
                    push(at, global(at, m, n));
                }
                case ')' -> push(at, new Tuple(new Object[0]));
                case 't' -> push(at, new Tuple(popToMark(at)));
                case 0x85 -> push(at, new Tuple(popN(at, 1)));
                case 0x86 -> push(at, new Tuple(popN(at, 2)));
                case 0x87 -> push(at, new Tuple(popN(at, 3)));
                case '}' -> push(at, new Dict());
                case 'd' -> { // DICT: a dict of the items since the mark
                    Dict d = new Dict();
                    putAll(at, d, popToMark(at));
                    push(at, d);
                }
                case 's' -> {
                    Object[] kv = popN(at, 2);
                    putAll(at, dictOnTop(at, "SETITEM"), kv);
                }
                case 'u' -> {
                    Object[] kvs = popToMark(at);
                    putAll(at, dictOnTop(at, "SETITEMS"), kvs);
                }
                case 'X' -> push(at, bytes.utf8(at, bytes.u32()));
                case 0x8c -> push(at, bytes.utf8(at, bytes.u8()));
                case 0x8d -> push(at, bytes.utf8(at, bytes.u64(at)));
                case 'J' -> push(at, (long) bytes.i32());
                case 'K' -> push(at, (long) bytes.u8());
                case 'M' -> push(at, (long) (bytes.u8() | (bytes.u8() << 8)));
                case 0x8a -> push(at, bytes.long1(at));
                case 'G' -> push(at, Double.longBitsToDouble(bytes.bigEndianLong(at)));
                case 0x88 -> push(at, Boolean.TRUE);
                case 0x89 -> push(at, Boolean.FALSE);
                case 'N' -> push(at, null);
                case 'q' -> put(at, bytes.u8());
                case 'r' -> put(at, bytes.u32());
                case 0x94 -> put(at, memo.size());
                case 'h' -> push(at, get(at, bytes.u8()));
                case 'j' -> push(at, get(at, bytes.u32()));
                case 'Q' -> push(at, storage(at, pop(at)));
                case 'R' -> {
                    Object args = pop(at);
                    Object callable = pop(at);
                    push(at, reduce(at, callable, args));
                }
                case 'b' -> build(at);
                default -> throw fail(at, "opcode " + opcodeName(op) + " is not allowed in a state_dict pickle");
            }
        }
    }

    // ---- what the allowed globals build ----

    private Global global(int at, String module, String name) throws TorchFileException {
        String qualified = module + "." + name;
        for (Global g : Global.values()) {
            if (g.qualified.equals(qualified)) {
                return g;
            }
        }
        String hint = module.startsWith("torch") && name.endsWith("Storage")
                ? " (lanegrad loads FloatStorage, HalfStorage, BFloat16Storage and DoubleStorage tensors)"
                : "; a state_dict needs only collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.*Storage"
                + " (was the whole model saved instead of model.state_dict()?)";
        throw fail(at, "global " + (qualified.matches("[A-Za-z0-9_.]{1,200}") ? qualified : printable(qualified))
                + " is refused" + hint);
    }

    private Object reduce(int at, Object callable, Object args) throws TorchFileException {
        if (!(callable instanceof Global g)) {
            throw fail(at, "REDUCE of " + typeName(callable) + ": only allowed globals may be called");
        }
        if (!(args instanceof Tuple t)) {
            throw fail(at, "REDUCE of " + g.qualified + " with " + typeName(args) + " as arguments, expected a tuple");
        }
        Object[] a = t.items;
        switch (g) {
            case ORDERED_DICT -> {
                if (a.length != 0) {
                    throw fail(at, "collections.OrderedDict called with " + a.length + " arguments, expected none");
                }
                return new Dict();
            }
            case REBUILD_TENSOR_V2 -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (a.length != 6 && a.length != 7) {
                    throw fail(at, "_rebuild_tensor_v2 called with " + a.length + " arguments, expected 6 or 7");
                }
                if (!(a[0] instanceof StorageRef storage)) {
                    throw fail(at, "_rebuild_tensor_v2: argument 1 is " + typeName(a[0]) + ", expected a storage");
                }
                long offset = nonNegative(at, "storage offset", a[1]);
                long[] size = ints(at, "size", a[2]);
                long[] stride = ints(at, "stride", a[3]);
                if (size.length != stride.length) {
                    throw fail(at, "_rebuild_tensor_v2: size has " + size.length + " dimensions, stride " + stride.length);
                }
                if (!(a[4] instanceof Boolean)) {
                    throw fail(at, "_rebuild_tensor_v2: requires_grad is " + typeName(a[4]) + ", expected a bool");
                }
                requireDictOrNone(at, "backward_hooks", a[5]);
                if (a.length == 7) {
                    requireDictOrNone(at, "metadata", a[6]);
                }
                return new TensorRef(storage, offset, size, stride);
            }
            case REBUILD_PARAMETER -> {
                // (data, requires_grad, backward_hooks): a Parameter is its tensor here
                if (a.length != 3 || !(a[0] instanceof TensorRef tensor)) {
                    throw fail(at, "_rebuild_parameter called with " + a.length + " arguments, expected (tensor, bool, dict)");
                }
                return tensor;
            }
            default -> throw fail(at, "REDUCE of " + g.qualified + " is not allowed (a storage type is not called)");
        }
    }

    private void build(int at) throws TorchFileException {
        Object state = pop(at);
        Object target = peek(at);
        if (!(target instanceof Dict)) {
            throw fail(at, "BUILD on " + typeName(target) + ": only a state_dict's OrderedDict may receive state");
        }
        requireDictOrNone(at, "the OrderedDict's state", state);
        // the state is {'_metadata': {module: {'version': n}}}, which lanegrad does not need
    }

    private StorageRef storage(int at, Object pid) throws TorchFileException {
        // ('storage', torch.FloatStorage, key, location, numel)
        if (!(pid instanceof Tuple t) || t.items.length != 5 || !"storage".equals(t.items[0])) {
            throw fail(at, "persistent id " + typeName(pid) + " is not ('storage', type, key, location, numel)");
        }
        Object[] a = t.items;
        if (!(a[1] instanceof Global g) || g.storageDtype == null) {
            throw fail(at, "persistent id: storage type " + typeName(a[1]) + ", expected torch.FloatStorage, HalfStorage,"
                    + " BFloat16Storage or DoubleStorage");
        }
        if (!(a[2] instanceof String key) || !(a[3] instanceof String location)) {
            throw fail(at, "persistent id: key and location are " + typeName(a[2]) + " and " + typeName(a[3])
                    + ", expected strings");
        }
        if (!STORAGE_LOCATIONS.contains(location.split(":", 2)[0])) {
            throw fail(at, "storage " + printable(key) + " has location " + printable(location) + ", expected cpu or cuda[:n]");
        }
        long numel = nonNegative(at, "storage size", a[4]);
        StorageRef ref = new StorageRef(key, g.storageDtype, numel);
        StorageRef seen = storages.putIfAbsent(key, ref);
        if (seen != null && !seen.equals(ref)) {
            throw fail(at, "storage " + printable(key) + " is described twice differently: " + seen + " and " + ref);
        }
        return seen != null ? seen : ref;
    }

    // ---- checks of values ----

    private long nonNegative(int at, String what, Object v) throws TorchFileException {
        if (!(v instanceof Long n) || n < 0) {
            throw fail(at, what + " is " + (v instanceof Long ? v : typeName(v)) + ", expected an int >= 0");
        }
        return n;
    }

    private long[] ints(int at, String what, Object v) throws TorchFileException {
        if (!(v instanceof Tuple t)) {
            throw fail(at, what + " is " + typeName(v) + ", expected a tuple of ints");
        }
        long[] out = new long[t.items.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(at, what + "[" + i + "]", t.items[i]);
        }
        return out;
    }

    private void requireDictOrNone(int at, String what, Object v) throws TorchFileException {
        if (v != null && !(v instanceof Dict)) {
            throw fail(at, what + " is " + typeName(v) + ", expected a dict");
        }
    }

    private void putAll(int at, Dict d, Object[] kvs) throws TorchFileException {
        if (kvs.length % 2 != 0) {
            throw fail(at, "odd number of items (" + kvs.length + ") for a dict");
        }
        for (int i = 0; i < kvs.length; i += 2) {
            if (!(kvs[i] instanceof String key)) {
                throw fail(at, "dict key " + typeName(kvs[i]) + ", expected a string");
            }
            d.entries.put(key, kvs[i + 1]);
        }
    }

    private Dict dictOnTop(int at, String op) throws TorchFileException {
        Object top = peek(at);
        if (!(top instanceof Dict d)) {
            throw fail(at, op + " on " + typeName(top) + ", expected a dict");
        }
        return d;
    }

    static String typeName(Object v) {
        if (v == null) {
            return "None";
        }
        if (v == MARK) {
            return "a mark";
        }
        if (v instanceof Global g) {
            return g.qualified;
        }
        if (v instanceof String s) {
            return "the string " + printable(s);
        }
        if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
        }
        if (v instanceof Tuple t) {
            return "a tuple of " + t.items.length;
        }
        if (v instanceof Dict) {
            return "a dict";
        }
        if (v instanceof TensorRef) {
            return "a tensor";
        }
        if (v instanceof StorageRef) {
            return "a storage";
        }
        return v.getClass().getSimpleName();
    }

    /** A string from the file, quoted and cut, for messages. */
    static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return Json.quote(cut);
    }

    // ---- the stack and the memo ----

    private void push(int at, Object v) throws TorchFileException {
        if (stack.size() >= MAX_STACK) {
            throw fail(at, "more than " + MAX_STACK + " values on the stack");
        }
        stack.add(v);
    }

    private Object pop(int at) throws TorchFileException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail(at, "stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek(int at) throws TorchFileException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail(at, "stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private Object[] popN(int at, int n) throws TorchFileException {
        Object[] out = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = pop(at);
        }
        return out;
    }

    private Object[] popToMark(int at) throws TorchFileException {
        if (marks.isEmpty()) {
            throw fail(at, "no mark to pop to");
        }
        int mark = marks.remove(marks.size() - 1);
        List<Object> top = stack.subList(mark, stack.size());
        Object[] out = top.toArray();
        top.clear();
        return out;
    }

    private void put(int at, long index) throws TorchFileException {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw fail(at, "more than " + MAX_MEMO + " memo entries");
        }
        memo.put(index, peek(at));
    }

    private Object get(int at, long index) throws TorchFileException {
        if (!memo.containsKey(index)) {
            throw fail(at, "memo entry " + index + " read before it was written");
        }
        return memo.get(index);
    }

    private TorchFileException fail(int at, String message) {
        return bytes.fail(at, message);
    }

    private static final Map<Integer, String> OPCODE_NAMES = Map.ofEntries(
            Map.entry((int) 'i', "INST"), Map.entry((int) 'o', "OBJ"), Map.entry(0x81, "NEWOBJ"), Map.entry(0x92, "NEWOBJ_EX"),
            Map.entry((int) 'P', "PERSID"), Map.entry(0x82, "EXT1"), Map.entry(0x83, "EXT2"), Map.entry(0x84, "EXT4"),
            Map.entry((int) ']', "EMPTY_LIST"), Map.entry((int) 'a', "APPEND"), Map.entry((int) 'e', "APPENDS"),
            Map.entry((int) 'l', "LIST"), Map.entry((int) 'S', "STRING"), Map.entry((int) 'T', "BINSTRING"),
            Map.entry((int) 'U', "SHORT_BINSTRING"), Map.entry((int) 'B', "BINBYTES"), Map.entry((int) 'C', "SHORT_BINBYTES"),
            Map.entry(0x8e, "BINBYTES8"), Map.entry((int) 'I', "INT"), Map.entry((int) 'L', "LONG"), Map.entry(0x8b, "LONG4"),
            Map.entry((int) 'F', "FLOAT"), Map.entry((int) 'V', "UNICODE"), Map.entry((int) '0', "POP"),
            Map.entry((int) '1', "POP_MARK"), Map.entry((int) '2', "DUP"), Map.entry((int) 'g', "GET"),
            Map.entry((int) 'p', "PUT"), Map.entry(0x8f, "EMPTY_SET"), Map.entry(0x90, "ADDITEMS"),
            Map.entry(0x91, "FROZENSET"), Map.entry(0x96, "BYTEARRAY8"), Map.entry(0x97, "NEXT_BUFFER"),
            Map.entry(0x98, "READONLY_BUFFER"));

    private static String opcodeName(int op) {
        String name = OPCODE_NAMES.get(op);
        return String.format("0x%02x", op) + (name != null ? " (" + name + ")" : " (unknown)");
    }
}
