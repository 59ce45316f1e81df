#ifndef IOPB_CCACHEFLUSH_H
#define IOPB_CCACHEFLUSH_H

#include <stddef.h>

/// Returns 1 when iopb_flush_range evicts lines on this CPU (x86 CLFLUSH), else 0.
int iopb_can_flush(void);

/// Writes back and evicts every cache line of [start, start + length) from every cache level
/// (CLFLUSH per 64-byte line, then MFENCE; SDM vol. 2 CLFLUSH). A no-op where unsupported.
void iopb_flush_range(const void *start, size_t length);

#endif
