/* Answers "yes" when MKL (linked into libtorch) asks whether the CPU is Intel's. MKL runs its AVX2 kernels on
   every other vendor's CPU, even one with AVX-512 (AMD Zen 4 and Zen 5); with this answer it chooses its kernels by
   the CPU's features alone, as it does on Intel's. The runtime loads this library into the process's global symbol
   scope (MklDispatch.cs), where the dynamic linker finds it before libtorch's own definition. */
int mkl_serv_intel_cpu_true(void) { return 1; }
