/* Answers "yes" when MKL (linked into libtorch) asks whether the CPU is Intel's. MKL runs its AVX2 kernels on
   every other vendor's CPU, even one with AVX-512 (AMD Zen 4 and Zen 5); with this answer it chooses its kernels by
   the CPU's features alone, as it does on Intel's. The runtime loads this library into the process's global symbol
   scope (MklDispatch.cs), where the dynamic linker finds it before libtorch's own definition. */
#include <stdlib.h>

int mkl_serv_intel_cpu_true(void) { return 1; }

/* MKL's AVX-512 kernels sum in an order that depends on the operands' memory alignment, so a resumed run would
   drift from an uninterrupted one in the last bits. STRICT makes every result independent of alignment; MKL reads
   the setting at its first call, after this library is loaded. A value the user set is kept. */
__attribute__((constructor)) static void alignment_independent_results(void) { setenv("MKL_CBWR", "AUTO,STRICT", 0); }
