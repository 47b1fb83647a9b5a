package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Short kernel names stay distinct: real names of the bundled H100 trace's top kernels. */
class KernelNamesTest {
    private static final String COPY = "void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<"
            + "at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}::operator()() const::"
            + "{lambda()#12}::operator()() const::{lambda(c10::BFloat16)#1}>(at::TensorIteratorBase&, at::native::"
            + "direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}::operator()() const::{lambda()#12}::"
            + "operator()() const::{lambda(c10::BFloat16)#1} const&)::{lambda(int)#1}>(int, at::native::"
            + "gpu_kernel_impl_nocast<at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}::"
            + "operator()() const::{lambda()#12}::operator()() const::{lambda(c10::BFloat16)#1}>(at::"
            + "TensorIteratorBase&, at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}::"
            + "operator()() const::{lambda()#12}::operator()() const::{lambda(c10::BFloat16)#1} const&)::{lambda(int)#1})";
    private static final String MUL = "void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<"
            + "at::native::BinaryFunctor<c10::BFloat16, c10::BFloat16, c10::BFloat16, at::native::binary_internal::"
            + "MulFunctor<float> > >(at::TensorIteratorBase&, at::native::BinaryFunctor<c10::BFloat16, c10::BFloat16, "
            + "c10::BFloat16, at::native::binary_internal::MulFunctor<float> > const&)::{lambda(int)#1}>(int, "
            + "at::native::gpu_kernel_impl_nocast<at::native::BinaryFunctor<c10::BFloat16, c10::BFloat16, c10::BFloat16, "
            + "at::native::binary_internal::MulFunctor<float> > >(at::TensorIteratorBase&, at::native::BinaryFunctor<"
            + "c10::BFloat16, c10::BFloat16, c10::BFloat16, at::native::binary_internal::MulFunctor<float> > const&)::"
            + "{lambda(int)#1})";

    @Test
    void namesThatWouldReadTheSameShowWhereTheyDiffer() {
        List<String> s = KernelNames.shorten(List.of(COPY, MUL, "nvjet_sm90_tst_128x8_64x12_2x1_v_bz_TNT"), 72);
        assertNotEquals(s.get(0), s.get(1), s.toString());
        assertTrue(s.get(0).contains("direct_copy"), s.get(0));
        assertTrue(s.get(1).contains("BinaryFunctor"), s.get(1));
        for (String x : s) {
            assertTrue(x.length() <= 72, x.length() + ": " + x);
        }
        assertEquals("nvjet_sm90_tst_128x8_64x12_2x1_v_bz_TNT", s.get(2), "a short name is left alone");
    }

    @Test
    void theParameterListAndVoidAreDropped() {
        assertEquals("at::native::reduce_kernel<512, 1>", KernelNames.strip("void at::native::reduce_kernel<512, 1>(int)"));
        assertEquals("ampere_sgemm_128x64_nn", KernelNames.strip("ampere_sgemm_128x64_nn"));
    }
}
