package autoglm.analyse.trace;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a kernel is, from its name alone (the trace says nothing else about it). The patterns are
 * documented in docs/analyses.md; HTA's rule is kept for the type: "nccl" means communication.
 */
public final class KernelClass {
    /** HTA's kernel types. */
    public enum Type {
        COMPUTATION, COMMUNICATION, MEMORY
    }

    /** Coarser families for the kernel breakdown. */
    public enum Category {
        GEMM, ATTENTION, COMMUNICATION, NORMALIZATION, REDUCTION, ELEMENTWISE, COPY, MEMCPY, MEMSET, OTHER;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether a GEMM kernel uses tensor cores. */
    public enum TensorCores {
        /** Not a GEMM, or GEMM work that tensor cores do not apply to (GEMV, split-K reduction). */
        NOT_APPLICABLE,
        USED,
        /** Runs on CUDA cores: SIMT FFMA, sgemm. */
        NOT_USED,
        /** A GEMM whose name does not tell. */
        UNKNOWN
    }

    private static final Pattern GEMM = Pattern.compile(
            "gemm|nvjet|xmma|cutlass|matmul|gemv|cublas|magma|wgmma|_mma_|splitkreduce");
    private static final Pattern GEMM_AUX = Pattern.compile("gemv|splitkreduce|splitk_reduce");
    private static final Pattern SIMT = Pattern.compile("ffma|simt|sgemm|_s_gemm|fp32_gemm_nn_simt");
    private static final Pattern TENSOR = Pattern.compile(
            "hmma|wgmma|gmma|imma|dmma|tensorop|tf32|bf16|f16|fp16|fp8|e4m3|e5m2|int8|i8816|h884|h1688|h16816"
                    + "|s1688|s16816|16816|1688gemm|884gemm|nvjet|_mma_");
    private static final Pattern ATTENTION = Pattern.compile("flash|fmha|sdpa|attention|attn|paged_attention");
    private static final Pattern NORM = Pattern.compile("norm");
    private static final Pattern REDUCTION = Pattern.compile("reduce|softmax|scan|argmax|topk|sort");
    private static final Pattern COPY = Pattern.compile("copy|cat_|catarray|gather|scatter|index|transpose|permute");
    private static final Pattern ELEMENTWISE = Pattern.compile("elementwise|vectorized|unrolled|pointwise|triton_poi");

    private final Type type;
    private final Category category;
    private final TensorCores tensorCores;

    private KernelClass(Type type, Category category, TensorCores tensorCores) {
        this.type = type;
        this.category = category;
        this.tensorCores = tensorCores;
    }

    public Type type() {
        return type;
    }

    public Category category() {
        return category;
    }

    public TensorCores tensorCores() {
        return tensorCores;
    }

    private static final KernelClass MEMCPY = new KernelClass(Type.MEMORY, Category.MEMCPY, TensorCores.NOT_APPLICABLE);
    private static final KernelClass MEMSET = new KernelClass(Type.MEMORY, Category.MEMSET, TensorCores.NOT_APPLICABLE);

    public static KernelClass memcpy() {
        return MEMCPY;
    }

    public static KernelClass memset() {
        return MEMSET;
    }

    /** Classifies a kernel by name. */
    public static KernelClass ofKernel(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (n.contains("nccl")) {
            return new KernelClass(Type.COMMUNICATION, Category.COMMUNICATION, TensorCores.NOT_APPLICABLE);
        }
        if (name != null && (name.startsWith("Memcpy") || name.startsWith("Memset"))) {
            return name.startsWith("Memcpy") ? memcpy() : memset();
        }
        if (ATTENTION.matcher(n).find()) {
            return new KernelClass(Type.COMPUTATION, Category.ATTENTION, TensorCores.NOT_APPLICABLE);
        }
        if (GEMM.matcher(n).find()) {
            TensorCores tc;
            if (GEMM_AUX.matcher(n).find()) {
                tc = TensorCores.NOT_APPLICABLE;
            } else if (SIMT.matcher(n).find()) {
                tc = TensorCores.NOT_USED;
            } else if (TENSOR.matcher(n).find()) {
                tc = TensorCores.USED;
            } else {
                tc = TensorCores.UNKNOWN;
            }
            return new KernelClass(Type.COMPUTATION, Category.GEMM, tc);
        }
        Category c;
        if (NORM.matcher(n).find()) {
            c = Category.NORMALIZATION;
        } else if (REDUCTION.matcher(n).find()) {
            c = Category.REDUCTION;
        } else if (COPY.matcher(n).find()) {
            c = Category.COPY;
        } else if (ELEMENTWISE.matcher(n).find()) {
            c = Category.ELEMENTWISE;
        } else {
            c = Category.OTHER;
        }
        return new KernelClass(Type.COMPUTATION, c, TensorCores.NOT_APPLICABLE);
    }
}
