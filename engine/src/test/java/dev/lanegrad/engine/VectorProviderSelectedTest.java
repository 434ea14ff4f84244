package dev.lanegrad.engine;

import dev.lanegrad.engine.vector.VectorKernelProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scalar-vs-vector properties call VectorKernelProvider directly; this test makes sure the
 * engine also PICKS it: a broken lookup (a renamed class, a missing INSTANCE field) would otherwise
 * leave every model on the scalar kernels while all the kernel tests stay green.
 */
class VectorProviderSelectedTest {

    @Test
    void vectorKernelsAreChosenWhenTheModuleIsPresent() {
        assertTrue(Kernels.vectorModulePresent(), "the tests run with --add-modules jdk.incubator.vector (see the parent pom)");
        String forced = System.getProperty(Kernels.PROPERTY, "");
        if (forced.equals("scalar")) {
            return; // the user asked for the scalar kernels (-Dtest.jvm.extra=-Dlanegrad.kernels=scalar)
        }
        assertEquals("vector", Kernels.provider().name(), "Kernels.provider() with jdk.incubator.vector readable");
        assertSame(VectorKernelProvider.INSTANCE, Kernels.vectorOrNull());
        assertSame(VectorKernelProvider.INSTANCE.ops(), Kernels.ops());
        assertSame(VectorKernelProvider.INSTANCE.recurrent(), Kernels.recurrent());
        // both providers hand out the one checked entry, in front of their own implementation
        ArrayOps vectorOps = ((CheckedArrayOps) Kernels.ops()).impl;
        ArrayOps scalarOps = ((CheckedArrayOps) Kernels.scalar().ops()).impl;
        assertNotSame(scalarOps.getClass(), vectorOps.getClass(), "the vector ops must not be the scalar class");
        assertEquals("dev.lanegrad.engine.vector.VectorArrayOps", vectorOps.getClass().getName());
        assertEquals("dev.lanegrad.engine.vector.VectorRecurrentKernels",
                ((CheckedRecurrentKernels) Kernels.recurrent()).impl.getClass().getName());
        assertEquals("dev.lanegrad.engine.vector.VectorGemm", Kernels.gemm().getClass().getName());
        assertSame(VectorKernelProvider.INSTANCE, Kernels.choose("vector"));
    }
}
