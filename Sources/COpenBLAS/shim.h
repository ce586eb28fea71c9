// Debian's libopenblas-dev installs cblas.h through the alternatives system under the multiarch include dir.
#include <cblas.h>
// OpenBLAS extensions (not part of CBLAS proper).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
