// The functions of this target are static inline in include/rag_support.h; SwiftPM needs one source file.
#include "rag_support.h"
